package org.tidegate.driver.sl651.codec;

import org.tidegate.driver.modbus.codec.Crc16;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One SL 651-2014 HEX/BCD-mode frame (section 6.2, single packet):
 * {@code 7E 7E}, then uplink centre address (1 B) and station address (5 B), downlink the other way round,
 * password (2 B), function code, direction nibble ({@code 0} up, {@code 8} down) and 12-bit body length,
 * {@code 02} STX, body, end byte, CRC-16/MODBUS from the first {@code 7E} through the end byte, high byte first.
 *
 * @param centre   centre station address, 1-255
 * @param station  station address as 10 hex digits (5 bytes, usually BCD)
 * @param password the 2-byte password
 * @param function the function code ({@link FunctionCode})
 * @param downlink true for centre-to-station frames (direction nibble 8)
 * @param body     the body between STX and the end byte
 * @param end      the end byte ({@link ControlChar}: ETX/ETB up; EOT, ESC, ENQ, ACK, NAK, ETX, ETB down)
 */
public record Sl651Frame(int centre, String station, int password, int function, boolean downlink, byte[] body,
        int end) {
    /** Bytes before the body: 7E 7E, addresses, password, function, length, STX. */
    public static final int HEADER = 14;
    /** Largest body the 12-bit length field allows. */
    public static final int MAX_BODY = 0xFFF;
    /** Largest frame: header, body, end byte, CRC. */
    public static final int MAX_FRAME = HEADER + MAX_BODY + 3;

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
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public byte[] encode() {
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

    /** Decodes exactly one whole frame. */
    public static Sl651Frame decode(byte[] f) throws Sl651Exception {
        return decode(f, 0, f.length);
    }

    /** Decodes exactly one whole frame in {@code f[off, off+len)}; refuses extra or missing bytes. */
    public static Sl651Frame decode(byte[] f, int off, int len) throws Sl651Exception {
        int need = checkHeader(f, off, len);
        if (need < 0) {
            throw new Sl651Exception(Sl651Exception.Kind.TRUNCATED, len + " bytes, a header has " + HEADER);
        }
        if (len < need) {
            throw new Sl651Exception(Sl651Exception.Kind.TRUNCATED, len + " bytes, the length field says " + need);
        }
        if (len > need) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH,
                    len + " bytes, the length field says " + need + " (body " + (need - HEADER - 3) + ")");
        }
        boolean down = (f[off + 11] & 0xF0) == 0x80;
        int endAt = off + len - 3;
        int end = f[endAt] & 0xFF;
        if (!(down ? ControlChar.isDownlinkEnd(end) : ControlChar.isUplinkEnd(end))) {
            throw new Sl651Exception(Sl651Exception.Kind.LENGTH, String.format(
                    "byte %02X where the length field (body %d) puts the end byte, not %s", end, need - HEADER - 3,
                    down ? "a downlink end (03 04 05 06 15 17 1B)" : "ETX 03 or ETB 17"));
        }
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
            int start = f[off + 13] & 0xFF;
            if (start == ControlChar.SYN) {
                throw new Sl651Exception(Sl651Exception.Kind.UNSUPPORTED, "multi-packet (SYN 16) frame");
            }
            if (start != ControlChar.STX) {
                throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, String.format("start byte %02X, not STX 02", start));
            }
        }
        if (len < 13) {
            return -1;
        }
        int bodyLen = ((f[off + 11] & 0x0F) << 8) | (f[off + 12] & 0xFF);
        return HEADER + bodyLen + 3;
    }

    /**
     * The acknowledgement the centre sends for an uplink report (SL 651-2014, 6.6): the same function and
     * password, direction 8, the addresses swapped, and a body of the report's serial number (its first two body
     * bytes) and the centre's send time; EOT ({@code keepOnline} false: the station may close the link) or ESC
     * (keep it open).
     */
    public static Sl651Frame acknowledgement(Sl651Frame report, LocalDateTime sendTime, boolean keepOnline) {
        if (report.downlink) {
            throw new IllegalArgumentException("acknowledges an uplink frame");
        }
        if (report.body.length < 2) {
            throw new IllegalArgumentException("the report has no serial number");
        }
        byte[] body = new byte[8];
        body[0] = report.body[0];
        body[1] = report.body[1];
        Bcd.putTime(sendTime, body, 2, 6);
        return new Sl651Frame(report.centre, report.station, report.password, report.function, true, body,
                keepOnline ? ControlChar.ESC : ControlChar.EOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sl651Frame x && centre == x.centre && station.equals(x.station) && password == x.password
                && function == x.function && downlink == x.downlink && end == x.end && Arrays.equals(body, x.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(centre, station, password, function, downlink, end, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return String.format("Sl651Frame[%s centre=%02X station=%s password=%04X function=%02X body=%s end=%02X]",
                downlink ? "down" : "up", centre, station, password, function, HEX.formatHex(body), end);
    }
}
