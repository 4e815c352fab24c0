package org.tidegate.driver.sl651.codec;

import org.tidegate.driver.modbus.codec.Crc16;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One SL 651-2014 frame (single packet), in either {@link Encoding}.
 *
 * <p>HEX/BCD (clause 6.5): {@code 7E 7E}, then uplink centre address (1 B) and station address (5 B), downlink the
 * other way round, password (2 B), function code, direction nibble ({@code 0} up, {@code 8} down) and 12-bit body
 * length, {@code 02} STX, body, end byte, CRC-16/MODBUS from the first {@code 7E} through the end byte, high byte
 * first.
 *
 * <p>ASCII (clause 6.4): SOH {@code 01}, then the same header fields each written as upper-case hex digits (centre
 * 2, station 10, password 4, function 2, direction and length 4: {@link #ASCII_HEADER} bytes with SOH and STX), STX,
 * the body as text (its length in characters), the end byte, and the CRC-16/MODBUS of every byte from SOH through
 * the end byte written as 4 hex digits, high byte first. Lower-case hex digits are accepted on receipt.
 *
 * @param centre   centre station address, 1-255
 * @param station  station address as 10 hex digits (5 bytes, usually BCD)
 * @param password the 2-byte password
 * @param function the function code ({@link FunctionCode})
 * @param downlink true for centre-to-station frames (direction nibble 8)
 * @param body     the body between STX and the end byte
 * @param end      the end byte ({@link ControlChar}: ETX/ETB up; EOT, ESC, ENQ, ACK, NAK, ETX, ETB down)
 * @param encoding how the frame is written on the wire
 */
public record Sl651Frame(int centre, String station, int password, int function, boolean downlink, byte[] body,
        int end, Encoding encoding) {
    /** Bytes before the body in HEX mode: 7E 7E, addresses, password, function, length, STX. */
    public static final int HEADER = 14;
    /** Bytes before the body in ASCII mode: SOH, 22 hex digits of the same fields, STX. */
    public static final int ASCII_HEADER = 24;
    /** Largest body the 12-bit length field allows. */
    public static final int MAX_BODY = 0xFFF;
    /** Largest frame of either encoding: header, body, end byte, CRC (4 hex digits in ASCII). */
    public static final int MAX_FRAME = ASCII_HEADER + MAX_BODY + 5;
    /** The ASCII frame's first byte. */
    public static final int SOH = 0x01;

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    public Sl651Frame {
        if (centre < 0 || centre > 0xFF) {
            throw new IllegalArgumentException("centre address " + centre + " outside 0-255");
        }
        Objects.requireNonNull(station, "station");
        if (station.length() != 10 || !station.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("station address must be 10 hex digits: " + station);
        }
        station = station.toUpperCase();
        if (password < 0 || password > 0xFFFF) {
            throw new IllegalArgumentException("password " + password + " outside 0-FFFF");
        }
        if (function < 0 || function > 0xFF) {
            throw new IllegalArgumentException("function " + function);
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("body of " + body.length + " bytes (at most " + MAX_BODY + ")");
        }
        if (!(downlink ? ControlChar.isDownlinkEnd(end) : ControlChar.isUplinkEnd(end))) {
            throw new IllegalArgumentException(String.format("end byte %02X not allowed %s", end, downlink ? "downlink" : "uplink"));
        }
        Objects.requireNonNull(encoding, "encoding");
        body = body.clone();
    }

    /** A HEX/BCD frame. */
    public Sl651Frame(int centre, String station, int password, int function, boolean downlink, byte[] body, int end) {
        this(centre, station, password, function, downlink, body, end, Encoding.HEX);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public byte[] encode() {
        byte[] f = encodeHex();
        if (encoding == Encoding.HEX) {
            return f;
        }
        // ASCII: the HEX header's fields (bytes 2-12) as hex digits between SOH and STX, the body as it is, the CRC
        // of all that as hex digits.
        byte[] a = new byte[ASCII_HEADER + body.length + 5];
        a[0] = SOH;
        byte[] digits = HEX.formatHex(f, 2, 13).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, a, 1, 22);
        a[23] = ControlChar.STX;
        System.arraycopy(body, 0, a, ASCII_HEADER, body.length);
        a[ASCII_HEADER + body.length] = (byte) end;
        int crc = Crc16.of(a, 0, ASCII_HEADER + body.length + 1);
        byte[] c = String.format("%04X", crc).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(c, 0, a, a.length - 4, 4);
        return a;
    }

    private byte[] encodeHex() {
        byte[] f = new byte[HEADER + body.length + 3];
        f[0] = 0x7E;
        f[1] = 0x7E;
        byte[] st = HEX.parseHex(station);
        if (downlink) {
            System.arraycopy(st, 0, f, 2, 5);
            f[7] = (byte) centre;
        } else {
            f[2] = (byte) centre;
            System.arraycopy(st, 0, f, 3, 5);
        }
        f[8] = (byte) (password >>> 8);
        f[9] = (byte) password;
        f[10] = (byte) function;
        int lenField = (downlink ? 0x8000 : 0) | body.length;
        f[11] = (byte) (lenField >>> 8);
        f[12] = (byte) lenField;
        f[13] = ControlChar.STX;
        System.arraycopy(body, 0, f, HEADER, body.length);
        f[HEADER + body.length] = (byte) end;
        int crc = Crc16.of(f, 0, HEADER + body.length + 1);
        f[f.length - 2] = (byte) (crc >>> 8);
        f[f.length - 1] = (byte) crc;
        return f;
    }

    /** Decodes exactly one whole frame, of the encoding its first byte says (SOH: ASCII, else HEX). */
    public static Sl651Frame decode(byte[] f) throws Sl651Exception {
        return decode(f.length > 0 && f[0] == SOH ? Encoding.ASCII : Encoding.HEX, f, 0, f.length);
    }

    /** Decodes exactly one whole frame of {@code encoding} in {@code f[off, off+len)}; refuses extra or missing bytes. */
    public static Sl651Frame decode(Encoding encoding, byte[] f, int off, int len) throws Sl651Exception {
        return encoding == Encoding.HEX ? decode(f, off, len) : decodeAscii(f, off, len);
    }

    /** Decodes exactly one whole HEX frame in {@code f[off, off+len)}; refuses extra or missing bytes. */
    public static Sl651Frame decode(byte[] f, int off, int len) throws Sl651Exception {
        int need = checkWhole(checkHeader(f, off, len), len, HEADER, 3, "a header");
        boolean down = (f[off + 11] & 0xF0) == 0x80;
        int endAt = off + len - 3;
        int end = checkEnd(f[endAt] & 0xFF, down, need - HEADER - 3);
        int crc = Crc16.of(f, off, len - 2);
        int got = ((f[off + len - 2] & 0xFF) << 8) | (f[off + len - 1] & 0xFF);
        if (crc != got) {
            throw new Sl651Exception(Sl651Exception.Kind.CRC, String.format("CRC %04X, computed %04X", got, crc));
        }
        int centre = f[off + (down ? 7 : 2)] & 0xFF;
        String station = HEX.formatHex(f, off + (down ? 2 : 3), off + (down ? 7 : 8));
        int password = ((f[off + 8] & 0xFF) << 8) | (f[off + 9] & 0xFF);
        return new Sl651Frame(centre, station, password, f[off + 10] & 0xFF, down,
                Arrays.copyOfRange(f, off + HEADER, endAt), end);
    }

    /**
     * Checks the header bytes present so far (of {@code len} bytes from {@code off}).
     *
     * @return the whole frame's length once the length field is there, -1 while not yet known
     * @throws Sl651Exception if a byte present cannot be in a frame header
     */
    static int checkHeader(byte[] f, int off, int len) throws Sl651Exception {
        if (len > 0 && f[off] != 0x7E || len > 1 && f[off + 1] != 0x7E) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "a frame starts with 7E 7E");
        }
        if (len > 11) {
            int dir = (f[off + 11] >>> 4) & 0xF;
            if (dir != 0 && dir != 8) {
                throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "direction nibble " + dir + " (0 up or 8 down)");
            }
        }
        if (len > 13) {
            checkStart(f[off + 13] & 0xFF);
        }
        if (len < 13) {
            return -1;
        }
        int bodyLen = ((f[off + 11] & 0x0F) << 8) | (f[off + 12] & 0xFF);
        return HEADER + bodyLen + 3;
    }

    /** The byte after the header: STX; SYN (multi-packet) is valid but not handled here. */
    private static void checkStart(int start) throws Sl651Exception {
        if (start == ControlChar.SYN) {
            throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED, "multi-packet (SYN 16) frame");
        }
        if (start != ControlChar.STX) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, String.format("start byte %02X, not STX 02", start));
        }
    }

    /**
     * {@code len} bytes against the {@code need} the header's length field gives ({@code -1}: the header is not
     * complete); {@code trailer} is the end byte and the CRC.
     */
    private static int checkWhole(int need, int len, int header, int trailer, String headerName) throws Sl651Exception {
        if (need < 0) {
            throw new Sl651Exception(Sl651Exception.Kind.TRUNCATED, len + " bytes, " + headerName + " has " + header);
        }
        if (len < need) {
            throw new Sl651Exception(Sl651Exception.Kind.TRUNCATED, len + " bytes, the length field says " + need);
        }
        if (len > need) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH,
                    len + " bytes, the length field says " + need + " (body " + (need - header - trailer) + ")");
        }
        return need;
    }

    /** The end byte where the length field puts it must be one the direction allows. */
    private static int checkEnd(int end, boolean down, int bodyLen) throws Sl651Exception {
        if (!(down ? ControlChar.isDownlinkEnd(end) : ControlChar.isUplinkEnd(end))) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, String.format(
                    "byte %02X where the length field (body %d) puts the end byte, not %s", end, bodyLen,
                    down ? "a downlink end (03 04 05 06 15 17 1B)" : "ETX 03 or ETB 17"));
        }
        return end;
    }

    /** As {@link #checkHeader(byte[], int, int)} for frames of {@code encoding}. */
    static int checkHeader(Encoding encoding, byte[] f, int off, int len) throws Sl651Exception {
        return encoding == Encoding.HEX ? checkHeader(f, off, len) : checkAsciiHeader(f, off, len);
    }

    /** The header length of {@code encoding}. */
    static int headerLength(Encoding encoding) {
        return encoding == Encoding.HEX ? HEADER : ASCII_HEADER;
    }

    /** ASCII header so far: SOH, 22 hex digits (direction digit 0 or 8), STX; the whole length once known, else -1. */
    static int checkAsciiHeader(byte[] f, int off, int len) throws Sl651Exception {
        if (len > 0 && f[off] != SOH) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "an ASCII frame starts with SOH 01");
        }
        for (int i = 1; i < Math.min(len, 23); i++) {
            if (Character.digit(f[off + i] & 0xFF, 16) < 0) {
                throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, String.format(
                        "byte %02X at header offset %d, where an ASCII header has a hex digit", f[off + i] & 0xFF, i));
            }
        }
        if (len > 19) {
            int dir = Character.digit(f[off + 19] & 0xFF, 16);
            if (dir != 0 && dir != 8) {
                throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, "direction digit " + (char) f[off + 19] + " (0 up or 8 down)");
            }
        }
        if (len > 23) {
            checkStart(f[off + 23] & 0xFF);
        }
        if (len < 23) {
            return -1;
        }
        int bodyLen = Integer.parseInt(new String(f, off + 20, 3, java.nio.charset.StandardCharsets.US_ASCII), 16);
        return ASCII_HEADER + bodyLen + 5;
    }

    private static Sl651Frame decodeAscii(byte[] f, int off, int len) throws Sl651Exception {
        int need = checkWhole(checkAsciiHeader(f, off, len), len, ASCII_HEADER, 5, "an ASCII header");
        byte[] fields = HEX.parseHex(new String(f, off + 1, 22, java.nio.charset.StandardCharsets.US_ASCII));
        boolean down = (fields[9] & 0xF0) == 0x80;
        int endAt = off + len - 5;
        int end = checkEnd(f[endAt] & 0xFF, down, need - ASCII_HEADER - 5);
        String crcText = new String(f, off + len - 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
        if (!crcText.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new Sl651Exception(Sl651Exception.Kind.CRC, "CRC \"" + crcText.replaceAll("\\p{Cntrl}", "?") + "\" is not 4 hex digits");
        }
        int got = Integer.parseInt(crcText, 16);
        int crc = Crc16.of(f, off, len - 4);
        if (crc != got) {
            throw new Sl651Exception(Sl651Exception.Kind.CRC, String.format("CRC %04X, computed %04X", got, crc));
        }
        int centre = fields[down ? 5 : 0] & 0xFF;
        String station = HEX.formatHex(fields, down ? 0 : 1, down ? 5 : 6);
        int password = ((fields[6] & 0xFF) << 8) | (fields[7] & 0xFF);
        return new Sl651Frame(centre, station, password, fields[8] & 0xFF, down,
                Arrays.copyOfRange(f, off + ASCII_HEADER, endAt), end, Encoding.ASCII);
    }

    /**
     * The serial number a report or its acknowledgement starts its body with (HEX: 2 bytes; ASCII: 4 hex digits),
     * or -1 if the body has none.
     */
    public int serialNumber() {
        if (encoding == Encoding.HEX) {
            return body.length < 2 ? -1 : ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }
        if (body.length < 4) {
            return -1;
        }
        String s = new String(body, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return s.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? Integer.parseInt(s, 16) : -1;
    }

    /**
     * The acknowledgement the centre sends for an uplink report (SL 651-2014, 6.6): the same function and
     * password, direction 8, the addresses swapped, and a body of the report's serial number (its first two body
     * bytes) and the centre's send time; EOT ({@code keepOnline} false: the station may close the link) or ESC
     * (keep it open). In the report's encoding: an ASCII report is answered in ASCII, its body the report's 4
     * serial digits and the send time as 12 digits (YYMMDDHHmmss).
     */
    public static Sl651Frame acknowledgement(Sl651Frame report, LocalDateTime sendTime, boolean keepOnline) {
        if (report.downlink) {
            throw new IllegalArgumentException("acknowledges an uplink frame");
        }
        if (report.serialNumber() < 0) {
            throw new IllegalArgumentException("the report has no serial number");
        }
        byte[] body = new byte[8];
        body[0] = (byte) (report.serialNumber() >>> 8);
        body[1] = (byte) report.serialNumber();
        Bcd.putTime(sendTime, body, 2, 6);
        if (report.encoding == Encoding.ASCII) {
            body = HEX.formatHex(body).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return new Sl651Frame(report.centre, report.station, report.password, report.function, true, body,
                keepOnline ? ControlChar.ESC : ControlChar.EOT, report.encoding);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sl651Frame x && centre == x.centre && station.equals(x.station) && password == x.password
                && function == x.function && downlink == x.downlink && end == x.end && Arrays.equals(body, x.body)
                && encoding == x.encoding;
    }

    @Override
    public int hashCode() {
        return Objects.hash(centre, station, password, function, downlink, end, Arrays.hashCode(body), encoding);
    }

    @Override
    public String toString() {
        return String.format("Sl651Frame[%s %s centre=%02X station=%s password=%04X function=%02X body=%s end=%02X]",
                encoding.word(), downlink ? "down" : "up", centre, station, password, function,
                encoding == Encoding.ASCII ? new String(body, java.nio.charset.StandardCharsets.US_ASCII) : HEX.formatHex(body), end);
    }
}
