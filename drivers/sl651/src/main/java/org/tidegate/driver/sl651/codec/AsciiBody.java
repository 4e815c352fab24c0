package org.tidegate.driver.sl651.codec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of an uplink report in ASCII mode (SL 651-2014, clause 6.4 with the identifiers of appendix C): the
 * same content as the HEX body ({@link Report}) written as text. This codec reads and writes:
 *
 * <pre>
 * SSSS YYMMDDHHmmss ST 0011223344 H TT 1707181102 PD 0.0 PJ 4.0 PT 4.0 VT 10.99 Z 10.490
 * </pre>
 *
 * the serial number as 4 hex digits and the send time as 12 digits (no space between them on write; a space is
 * accepted), then, except in a keep-alive, space-separated: {@code ST} and the station address (10 hex digits),
 * the station category (one character, e.g. {@code H} river), {@code TT} and the observation time (10 digits), and
 * the elements as identifier and decimal value ({@code -} for a negative, a {@code .} before the decimals). A
 * later {@code TT} starts a new observation time, as {@code F0F0} does in HEX. The decimals of a value are those
 * written ({@code 4.0}: one place). Identifiers this codec does not know ({@link #IDENTIFIERS}) are skipped with
 * their value (an element of several values, e.g. a 5-minute series, is not supported in ASCII).
 */
final class AsciiBody {
    /**
     * ASCII identifiers (appendix C) and the HEX identifier of the same element, so a channel names one element
     * whichever encoding the station uses.
     */
    static final Map<String, Integer> IDENTIFIERS = Map.of(
            "PD", Element.DAILY_RAINFALL,
            "PJ", Element.CURRENT_RAINFALL,
            "PT", Element.CUMULATIVE_RAINFALL,
            "VT", Element.VOLTAGE,
            "Z", Element.WATER_LEVEL);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" +");
    /** Digits of a value at most (the HEX form has 9 BCD bytes at most). */
    private static final int MAX_DIGITS = 18;

    private AsciiBody() {
    }

    static Report decode(Sl651Frame frame) throws Sl651Exception {
        int fc = frame.function();
        byte[] b = frame.body();
        for (int i = 0; i < b.length; i++) {
            if (b[i] < 0x20 || b[i] > 0x7E) {
                throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, String.format(
                        "byte %02X at body offset %d, an ASCII body is printable text", b[i] & 0xFF, i));
            }
        }
        String text = new String(b, StandardCharsets.US_ASCII);
        if (text.length() < 16) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "body of " + text.length()
                    + " characters, at least 16 (serial, send time)");
        }
        String serialText = text.substring(0, 4);
        if (!isHex(serialText)) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "serial number \"" + serialText + "\" is not 4 hex digits");
        }
        int serial = Integer.parseInt(serialText, 16);
        int at = 4;
        if (text.charAt(at) == ' ') {
            at++;
        }
        if (text.length() < at + 12) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "body ends in the send time");
        }
        LocalDateTime sent = time(text.substring(at, at + 12), "send time");
        String rest = text.substring(at + 12).trim();
        String[] tokens = rest.isEmpty() ? new String[0] : SPACES.split(rest);
        if (fc == FunctionCode.KEEP_ALIVE) {
            if (tokens.length != 0) {
                throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "keep-alive body with more than serial and send time");
            }
            return new Report(fc, serial, sent, null, -1, null, List.of());
        }
        if (tokens.length < 5) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "body has " + tokens.length
                    + " items after the send time, at least 5 (ST station, category, TT time)");
        }
        expect(tokens[0], "ST", "station address");
        if (tokens[1].length() != 10 || !isHex(tokens[1])) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "station address \"" + tokens[1] + "\" is not 10 hex digits");
        }
        String station = tokens[1].toUpperCase(java.util.Locale.ROOT);
        if (tokens[2].length() != 1) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "station category \"" + tokens[2] + "\" is not one character");
        }
        int category = tokens[2].charAt(0);
        expect(tokens[3], "TT", "observation time");
        LocalDateTime observed = time(tokens[4], "observation time");
        LocalDateTime current = observed;
        List<Element> elements = new ArrayList<>();
        for (int i = 5; i < tokens.length; i += 2) {
            String id = tokens[i];
            if (i + 1 >= tokens.length) {
                throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "identifier " + id + " without a value at the end of the body");
            }
            String value = tokens[i + 1];
            if (id.equals("TT")) {
                current = time(value, "observation time after " + (elements.size()) + " elements");
                continue;
            }
            Integer hex = IDENTIFIERS.get(id);
            if (hex == null) {
                continue; // not an element this codec knows: skipped with its value
            }
            elements.add(element(hex, id, value, current));
        }
        return new Report(fc, serial, sent, station, category, observed, elements);
    }

    private static Element element(int hexId, String id, String value, LocalDateTime observed) throws Sl651Exception {
        if (!DECIMAL.matcher(value).matches()) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "element " + id + ": value \"" + value + "\" is not a decimal number");
        }
        BigDecimal v = new BigDecimal(value);
        int decimals = Math.max(0, v.scale());
        if (decimals > 7) {
            throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED, "element " + id + ": " + decimals + " decimals (at most 7)");
        }
        String digits = v.unscaledValue().abs().toString();
        if (digits.length() > MAX_DIGITS) {
            throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED, "element " + id + ": " + digits.length() + " digits");
        }
        int length = (digits.length() + 1) / 2 + (v.signum() < 0 ? 1 : 0);
        return Element.of(hexId, v, length, decimals, observed);
    }

    static byte[] encode(Report r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%04X", r.serial()));
        s.append(timeDigits(r.sendTime(), 6));
        if (r.function() != FunctionCode.KEEP_ALIVE) {
            s.append(" ST ").append(r.station()).append(' ').append((char) r.category());
            LocalDateTime current = r.observed();
            s.append(" TT ").append(timeDigits(current, 5));
            for (Element e : r.elements()) {
                String id = identifier(e.id());
                if (e.observed() != null && !Objects.equals(e.observed(), current)) {
                    current = e.observed();
                    s.append(" TT ").append(timeDigits(current, 5));
                }
                s.append(' ').append(id).append(' ').append(e.value().toPlainString());
            }
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String identifier(int hexId) {
        for (Map.Entry<String, Integer> e : IDENTIFIERS.entrySet()) {
            if (e.getValue() == hexId) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException(String.format("element %02X has no ASCII identifier here", hexId));
    }

    private static String timeDigits(LocalDateTime t, int bytes) {
        byte[] b = new byte[bytes];
        Bcd.putTime(t, b, 0, bytes);
        return HEX.formatHex(b);
    }

    /** A time written as its BCD digits (the HEX form's bytes as hex digits): 10 (to the minute) or 12. */
    private static LocalDateTime time(String digits, String what) throws Sl651Exception {
        if (digits.length() != 10 && digits.length() != 12 || !digits.chars().allMatch(Character::isDigit)) {
            throw new Sl651Exception(Sl651Exception.Kind.BCD, what + " \"" + digits + "\" is not 10 or 12 digits");
        }
        byte[] b = HEX.parseHex(digits);
        return Bcd.time(b, 0, b.length, what);
    }

    private static void expect(String token, String id, String what) throws Sl651Exception {
        if (!token.equals(id)) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "\"" + token + "\" where the " + what + " identifier " + id + " belongs");
        }
    }

    private static boolean isHex(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
