package org.tidegate.driver.sl651.codec;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The body of an uplink report (SL 651-2014, 6.6): serial number (2 B, HEX), send time (YYMMDDHHmmss BCD) and,
 * for every report but the keep-alive {@code 2F}: station address element {@code F1F1} with the 5-byte address,
 * station category (1 B, e.g. {@code 48} 'H' river), observation time element {@code F0F0} (YYMMDDHHmm BCD),
 * then the elements. A later {@code F0F0} starts a new observation time for the elements after it.
 *
 * @param function    the frame's function code
 * @param serial      the station's serial number, 0-65535 (the same when a report is sent again)
 * @param sendTime    when the station sent it
 * @param station     station address of the body (10 hex digits), null for a keep-alive
 * @param category    station category, -1 for a keep-alive
 * @param observed    the first observation time, null for a keep-alive
 * @param elements    the elements, each with its observation time
 */
public record Report(int function, int serial, LocalDateTime sendTime, String station, int category,
        LocalDateTime observed, List<Element> elements) {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    public Report {
        elements = List.copyOf(elements);
    }

    /**
     * What a receiver needs to drop a report sent again after a lost acknowledgement: the station repeats it with
     * the same serial number and observation time. Keep the keys of the last reports per station and drop a
     * report whose key was seen (and acknowledge it again all the same, or the station keeps resending).
     */
    public record Key(String station, int function, int serial, LocalDateTime observed) {
    }

    /** The duplicate key, with the frame's station address (the body's is null in a keep-alive). */
    public Key key(Sl651Frame frame) {
        return new Key(frame.station(), function, serial, observed);
    }

    /** Decodes the body of an uplink report frame ({@link FunctionCode#isReport}), of the frame's encoding. */
    public static Report decode(Sl651Frame frame) throws Sl651Exception {
        int fc = frame.function();
        if (frame.downlink() || !FunctionCode.isReport(fc)) {
            throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED,
                    String.format("%s function %02X is not a report", frame.downlink() ? "downlink" : "uplink", fc));
        }
        if (frame.encoding() == Encoding.ASCII) {
            return AsciiBody.decode(frame);
        }
        byte[] b = frame.body();
        if (b.length < 8) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "body of " + b.length + " bytes, at least 8 (serial, send time)");
        }
        int serial = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        LocalDateTime sent = Bcd.time(b, 2, 6, "send time");
        if (fc == FunctionCode.KEEP_ALIVE) {
            if (b.length != 8) {
                throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "keep-alive body of " + b.length + " bytes, not 8");
            }
            return new Report(fc, serial, sent, null, -1, null, List.of());
        }
        if (b.length < 23) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH,
                    "body of " + b.length + " bytes, at least 23 (serial, send time, F1F1 station, category, F0F0 time)");
        }
        expect(b, 8, 0xF1, "station address");
        String station = HEX.formatHex(b, 10, 15);
        int category = b[15] & 0xFF;
        expect(b, 16, 0xF0, "observation time");
        LocalDateTime observed = Bcd.time(b, 18, 5, "observation time");
        LocalDateTime current = observed;
        List<Element> elements = new ArrayList<>();
        int p = 23;
        while (p < b.length) {
            if (p + 2 > b.length) {
                throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "1 byte left at body offset " + p + ", an element has at least 3");
            }
            if ((b[p] & 0xFF) == 0xF0 && (b[p + 1] & 0xFF) == 0xF0) {
                if (p + 7 > b.length) {
                    throw new Sl651Exception(Sl651Exception.Kind.LENGTH, "observation time at body offset " + p + " overruns the body");
                }
                current = Bcd.time(b, p + 2, 5, "observation time at body offset " + p);
                p += 7;
                continue;
            }
            Element e = Element.read(b, p, b.length, current);
            elements.add(e);
            p += 2 + e.length();
        }
        return new Report(fc, serial, sent, station, category, observed, elements);
    }

    private static void expect(byte[] b, int at, int id, String what) throws Sl651Exception {
        if ((b[at] & 0xFF) != id || (b[at + 1] & 0xFF) != id) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, String.format(
                    "%02X%02X at body offset %d, not the %s element %02X%02X", b[at] & 0xFF, b[at + 1] & 0xFF, at, what, id, id));
        }
    }

    /** The body in {@code encoding} ({@link AsciiBody} for ASCII). */
    public byte[] encode(Encoding encoding) {
        return encoding == Encoding.ASCII ? AsciiBody.encode(this) : encode();
    }

    /** The HEX body bytes; a new {@code F0F0} is written before each element whose observation time changes. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(serial >>> 8);
        out.write(serial);
        byte[] t = new byte[6];
        Bcd.putTime(sendTime, t, 0, 6);
        out.writeBytes(t);
        if (function == FunctionCode.KEEP_ALIVE) {
            return out.toByteArray();
        }
        out.write(0xF1);
        out.write(0xF1);
        out.writeBytes(HEX.parseHex(station));
        out.write(category);
        LocalDateTime current = observed;
        writeTime(out, current);
        for (Element e : elements) {
            if (e.observed() != null && !Objects.equals(e.observed(), current)) {
                current = e.observed();
                writeTime(out, current);
            }
            e.writeTo(out);
        }
        return out.toByteArray();
    }

    private static void writeTime(ByteArrayOutputStream out, LocalDateTime t) {
        out.write(0xF0);
        out.write(0xF0);
        byte[] b = new byte[5];
        Bcd.putTime(t, b, 0, 5);
        out.writeBytes(b);
    }

    /** The first element with this identifier, or null. */
    public Element element(int id) {
        return elements.stream().filter(e -> e.id() == id).findFirst().orElse(null);
    }
}
