package org.tidegate.driver.sl651.codec;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One element of a report (SL 651-2014, 6.6.2 and appendix C): an identifier, a length/decimals byte (high 5 bits
 * the value's length in bytes, low 3 bits its decimal places) and the value: BCD, a leading {@code FF} byte
 * marking a negative value. The 5-minute series {@code F4}-{@code FC} (12 or 24 bytes of HEX per-interval values)
 * are kept raw: {@link #value()} is null and {@link #raw()} has the bytes.
 *
 * @param id       the identifier (e.g. {@link #DAILY_RAINFALL})
 * @param length   the value's length in bytes, 1-31
 * @param decimals the decimal places, 0-7
 * @param value    the value, null for a raw element
 * @param raw      the value's bytes as sent
 * @param observed the observation time in force for this element (the last {@code F0F0} before it)
 */
public record Element(int id, int length, int decimals, BigDecimal value, byte[] raw, LocalDateTime observed) {
    /** 日降水量, daily rainfall, mm. */
    public static final int DAILY_RAINFALL = 0x1F;
    /** 当前降水量, current rainfall, mm. */
    public static final int CURRENT_RAINFALL = 0x20;
    /** 降水量累计值, cumulative rainfall, mm. */
    public static final int CUMULATIVE_RAINFALL = 0x26;
    /** 电源电压, supply voltage, V. */
    public static final int VOLTAGE = 0x38;
    /** 瞬时河道水位、潮位, water level, m. */
    public static final int WATER_LEVEL = 0x39;

    /**
     * The HEX identifier of an ASCII-mode identifier ({@code PJ}, {@code Z} ...) this codec reads, or -1 (see
     * {@link Encoding#ASCII}).
     */
    public static int forAsciiIdentifier(String ascii) {
        Integer id = AsciiBody.IDENTIFIERS.get(ascii);
        return id == null ? -1 : id;
    }

    /** The ASCII-mode identifiers this codec reads, for hints. */
    public static java.util.Set<String> asciiIdentifiers() {
        return new java.util.TreeSet<>(AsciiBody.IDENTIFIERS.keySet());
    }

    public Element {
        if (length < 1 || length > 31 || decimals < 0 || decimals > 7 || raw.length != length) {
            throw new IllegalArgumentException("element " + Integer.toHexString(id) + ": length " + length
                    + ", decimals " + decimals + ", " + raw.length + " value bytes");
        }
        raw = raw.clone();
    }

    /** An element for a value in {@code length} bytes with {@code decimals} places (negative: FF then BCD). */
    public static Element of(int id, BigDecimal value, int length, int decimals, LocalDateTime observed) {
        if (isRaw(id) || id >= 0xF0) {
            throw new IllegalArgumentException("identifier " + Integer.toHexString(id) + " is not a BCD element");
        }
        long digits = value.movePointRight(decimals).setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact();
        byte[] raw = new byte[length];
        if (digits < 0) {
            raw[0] = (byte) 0xFF;
            Bcd.put(-digits, raw, 1, length - 1);
        } else {
            Bcd.put(digits, raw, 0, length);
        }
        return new Element(id, length, decimals, value.setScale(decimals), raw, observed);
    }

    /** The 5-minute series elements (F4-FC) whose value is HEX, not BCD. */
    static boolean isRaw(int id) {
        return id >= 0xF4 && id <= 0xFC;
    }

    /** Reads one element at {@code b[off]}; the identifier and length byte are known to be there. */
    static Element read(byte[] b, int off, int end, LocalDateTime observed) throws Sl651Exception {
        int id = b[off] & 0xFF;
        int ld = b[off + 1] & 0xFF;
        int len = ld >>> 3;
        int dec = ld & 7;
        if (id == 0xFF || id == 0xF2 || id == 0xF3 || id >= 0xFD) {
            throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED,
                    String.format("element %02X%02X at body offset %d", id, ld, off));
        }
        if (len == 0) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED,
                    String.format("element %02X: length/decimals byte %02X says 0 bytes", id, ld));
        }
        if (off + 2 + len > end) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, String.format(
                    "element %02X of %d bytes at body offset %d overruns the body (%d bytes)", id, len, off, end));
        }
        byte[] raw = Arrays.copyOfRange(b, off + 2, off + 2 + len);
        if (isRaw(id)) {
            return new Element(id, len, dec, null, raw, observed);
        }
        String what = String.format("element %02X at body offset %d", id, off);
        boolean negative = (raw[0] & 0xFF) == 0xFF;
        if (negative && len == 1) {
            throw new Sl651Exception(Sl651Exception.Kind.BCD, what + ": FF with no digits");
        }
        if (len - (negative ? 1 : 0) > 9) {
            throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED, what + ": " + len + " bytes of digits");
        }
        long digits = Bcd.digits(raw, negative ? 1 : 0, len - (negative ? 1 : 0), what);
        BigDecimal v = BigDecimal.valueOf(negative ? -digits : digits, dec);
        return new Element(id, len, dec, v, raw, observed);
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    int lengthDecimals() {
        return length << 3 | decimals;
    }

    void writeTo(java.io.ByteArrayOutputStream out) {
        out.write(id);
        out.write(lengthDecimals());
        out.writeBytes(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Element x && id == x.id && length == x.length && decimals == x.decimals
                && Objects.equals(value, x.value) && Arrays.equals(raw, x.raw) && Objects.equals(observed, x.observed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, length, decimals, value, Arrays.hashCode(raw), observed);
    }

    @Override
    public String toString() {
        return String.format("Element[%02X %s%s]", id, value != null ? value.toPlainString() : HexFormat.of().formatHex(raw),
                observed != null ? " @" + observed : "");
    }
}
