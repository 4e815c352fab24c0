package org.tidegate.driver.sl651.codec;

import org.tidegate.driver.modbus.codec.Crc16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tidegate.driver.sl651.codec.Sl651Decoder.Event;
import org.tidegate.driver.sl651.codec.Sl651Decoder.Received;
import org.tidegate.driver.sl651.codec.Sl651Decoder.Refused;
import org.tidegate.driver.sl651.codec.Sl651Exception.Kind;

/**
 * SL 651-2014 (水文监测数据通信规约, hydrological telemetry data communication protocol), HEX/BCD mode: the
 * worked frames of issue 15, checked by hand. Their CRCs were recomputed independently (a bitwise CRC-16/MODBUS in
 * Python, reflected 0xA001, init 0xFFFF, over 7E..end byte): C11C for the timed report, EDD0 with function 3A,
 * both as the issue says; the length field 0030 is the 48 body bytes between STX and ETX, also as the issue says.
 */
class Sl651KnownFramesTest {

    /** Timed report (32) from station 0011223344 to centre 05, password 03E8 (issue 15). */
    static final String TIMED = "7E7E 05 0011223344 03E8 32 0030 02 0039 170718110254 F1F1 0011223344 48 F0F0 1707181102"
            + " 1F19 000000 2019 000040 2619 000040 3812 1099 3923 00010490 03 C11C";
    /** The same body answering a centre query of chosen elements (3A). */
    static final String QUERY = TIMED.replace("03E8 32", "03E8 3A").replace("C11C", "EDD0");
    /** A keep-alive (2F): serial 003A, sent 2017-07-18 11:05:00; CRC 45F7 computed in Python. */
    static final String KEEP_ALIVE = "7E7E 05 0011223344 03E8 2F 0008 02 003A 170718110500 03 45F7";

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static final LocalDateTime OBSERVED = LocalDateTime.of(2017, 7, 18, 11, 2);

    @Test
    void crcCheckValue() {
        assertEquals(0x4B37, Crc16.of("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void timedReportOfTheIssue() throws Exception {
        byte[] bytes = hex(TIMED);
        assertEquals(65, bytes.length);
        Sl651Frame f = Sl651Frame.decode(bytes);
        assertEquals(0x05, f.centre());
        assertEquals("0011223344", f.station());
        assertEquals(0x03E8, f.password());
        assertEquals(FunctionCode.TIMED, f.function());
        assertFalse(f.downlink());
        assertEquals(48, f.body().length);
        assertEquals(ControlChar.ETX, f.end());

        Report r = Report.decode(f);
        assertEquals(0x0039, r.serial());
        assertEquals(LocalDateTime.of(2017, 7, 18, 11, 2, 54), r.sendTime());
        assertEquals("0011223344", r.station());
        assertEquals('H', r.category());
        assertEquals(OBSERVED, r.observed());
        assertEquals(5, r.elements().size());
        assertEquals(new BigDecimal("0.0"), r.element(Element.DAILY_RAINFALL).value());
        assertEquals(new BigDecimal("4.0"), r.element(Element.CURRENT_RAINFALL).value());
        assertEquals(new BigDecimal("4.0"), r.element(Element.CUMULATIVE_RAINFALL).value());
        assertEquals(new BigDecimal("10.99"), r.element(Element.VOLTAGE).value());
        assertEquals(new BigDecimal("10.490"), r.element(Element.WATER_LEVEL).value());
        Element level = r.element(Element.WATER_LEVEL);
        assertEquals(4, level.length());
        assertEquals(3, level.decimals());
        assertEquals(OBSERVED, level.observed());

        // Re-encodes byte for byte, from the frame and from the decoded report.
        assertArrayEquals(bytes, f.encode());
        assertArrayEquals(f.body(), r.encode());
        Sl651Frame rebuilt = new Sl651Frame(5, "0011223344", 0x03E8, FunctionCode.TIMED, false, r.encode(), ControlChar.ETX);
        assertArrayEquals(bytes, rebuilt.encode());
        // And from values alone.
        Report fromValues = new Report(FunctionCode.TIMED, 0x39, LocalDateTime.of(2017, 7, 18, 11, 2, 54), "0011223344", 'H',
                OBSERVED, List.of(
                        Element.of(0x1F, new BigDecimal("0.0"), 3, 1, OBSERVED),
                        Element.of(0x20, new BigDecimal("4.0"), 3, 1, OBSERVED),
                        Element.of(0x26, new BigDecimal("4.0"), 3, 1, OBSERVED),
                        Element.of(0x38, new BigDecimal("10.99"), 2, 2, OBSERVED),
                        Element.of(0x39, new BigDecimal("10.490"), 4, 3, OBSERVED)));
        assertEquals(r, fromValues);
        assertArrayEquals(f.body(), fromValues.encode());
    }

    @Test
    void queryAnswerOfTheIssue() throws Exception {
        byte[] bytes = hex(QUERY);
        Sl651Frame f = Sl651Frame.decode(bytes);
        assertEquals(FunctionCode.QUERY_ELEMENTS, f.function());
        int crc = Crc16.of(bytes, 0, bytes.length - 2);
        assertEquals(0xEDD0, crc);
        assertEquals(Report.decode(Sl651Frame.decode(hex(TIMED))).elements(), Report.decode(f).elements());
        assertArrayEquals(bytes, f.encode());
    }

    @Test
    void keepAlive() throws Exception {
        Sl651Frame f = Sl651Frame.decode(hex(KEEP_ALIVE));
        Report r = Report.decode(f);
        assertEquals(0x3A, r.serial());
        assertNull(r.observed());
        assertTrue(r.elements().isEmpty());
        assertArrayEquals(hex(KEEP_ALIVE), new Sl651Frame(5, "0011223344", 0x03E8, 0x2F, false, r.encode(), 3).encode());
    }

    @Test
    void negativeValueHasAnFfPrefix() throws Exception {
        Element e = Element.of(0x39, new BigDecimal("-1.250"), 4, 3, OBSERVED);
        assertArrayEquals(hex("FF 00 12 50"), e.raw());
        byte[] body = hex("0001 170718110254 F1F1 0011223344 48 F0F0 1707181102 3923 FF001250");
        Report r = Report.decode(new Sl651Frame(5, "0011223344", 0, FunctionCode.ADDED, false, body, ControlChar.ETX));
        assertEquals(new BigDecimal("-1.250"), r.element(0x39).value());
        assertEquals(e, r.element(0x39));
    }

    @Test
    void secondObservationTimeAppliesToTheElementsAfterIt() throws Exception {
        byte[] body = hex("0001 170718110254 F1F1 0011223344 48 F0F0 1707181100 3923 00010490 F0F0 1707181105 3923 00010500");
        Report r = Report.decode(new Sl651Frame(5, "0011223344", 0, FunctionCode.INTERVAL, false, body, ControlChar.ETX));
        assertEquals(LocalDateTime.of(2017, 7, 18, 11, 0), r.elements().get(0).observed());
        assertEquals(LocalDateTime.of(2017, 7, 18, 11, 5), r.elements().get(1).observed());
        assertArrayEquals(body, r.encode());
    }

    /** SL 651-2014: the centre acknowledges with direction 8, addresses swapped, serial + its time, EOT or ESC. */
    @Test
    void acknowledgement() throws Exception {
        Sl651Frame report = Sl651Frame.decode(hex(TIMED));
        LocalDateTime now = LocalDateTime.of(2017, 7, 18, 11, 3, 0);
        // CRCs D4AA and 1CEB computed independently in Python.
        Sl651Frame eot = Sl651Frame.acknowledgement(report, now, false);
        assertArrayEquals(hex("7E7E 0011223344 05 03E8 32 8008 02 0039 170718110300 04 D4AA"), eot.encode());
        Sl651Frame esc = Sl651Frame.acknowledgement(report, now, true);
        assertArrayEquals(hex("7E7E 0011223344 05 03E8 32 8008 02 0039 170718110300 1B 1CEB"), esc.encode());
        Sl651Frame back = Sl651Frame.decode(eot.encode());
        assertEquals(eot, back);
        assertTrue(back.downlink());
        assertEquals(5, back.centre());
        assertEquals("0011223344", back.station());
        // A station-side decoder receives it as a frame without a report.
        List<Event> ev = new Sl651Decoder().feed(esc.encode());
        assertEquals(List.of(new Received(esc, null)), ev);
        assertThrows(IllegalArgumentException.class, () -> Sl651Frame.acknowledgement(eot, now, false));
    }

    /** A report sent again after a lost acknowledgement has the same key; a new report does not. */
    @Test
    void duplicateKey() throws Exception {
        Sl651Frame f = Sl651Frame.decode(hex(TIMED));
        Report r = Report.decode(f);
        Report again = Report.decode(Sl651Frame.decode(hex(TIMED)));
        assertEquals(r.key(f), again.key(f));
        assertEquals(new Report.Key("0011223344", 0x32, 0x39, OBSERVED), r.key(f));
        byte[] next = f.body();
        next[1] = 0x3A;
        Report other = Report.decode(new Sl651Frame(5, "0011223344", 0x03E8, 0x32, false, next, ControlChar.ETX));
        assertNotEquals(r.key(f), other.key(f));
    }

    // ---- the decoder ----

    static List<Event> feedSplit(Encoding encoding, byte[] bytes, int... cuts) {
        Sl651Decoder d = new Sl651Decoder(encoding);
        List<Event> out = new ArrayList<>();
        int from = 0;
        for (int c : cuts) {
            out.addAll(d.feed(bytes, from, c - from));
            from = c;
        }
        out.addAll(d.feed(bytes, from, bytes.length - from));
        assertEquals(0, d.buffered());
        return out;
    }

    /**
     * The whole frame {@code bytes} fed byte by byte (nothing before the last byte) and in two-cut splits (the first
     * cut every {@code step} bytes, the second everywhere after it) gives exactly its frame and report.
     */
    static void assertEverySplit(Encoding encoding, byte[] bytes, int step) throws Sl651Exception {
        Sl651Frame expected = Sl651Frame.decode(encoding, bytes, 0, bytes.length);
        Received want = new Received(expected, Report.decode(expected));
        Sl651Decoder one = new Sl651Decoder(encoding);
        List<Event> got = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            List<Event> ev = one.feed(bytes[i]);
            if (i < bytes.length - 1) {
                assertTrue(ev.isEmpty(), "event before the last byte at " + i);
            }
            got.addAll(ev);
        }
        assertEquals(List.of(want), got);
        for (int a = 0; a <= bytes.length; a += step) {
            for (int b = a; b <= bytes.length; b++) {
                assertEquals(List.of(want), feedSplit(encoding, bytes, a, b), "split " + a + "/" + b);
            }
        }
    }

    @Test
    void everyFrameByteByByteAndInEverySplit() throws Exception {
        for (String v : List.of(TIMED, QUERY, KEEP_ALIVE)) {
            assertEverySplit(Encoding.HEX, hex(v), 1);
        }
    }

    @Test
    void framesBackToBackWithNoiseBetween() throws Exception {
        byte[] stream = hex("00 FF 7E 12 " + TIMED + " 7E AA 55 " + KEEP_ALIVE + QUERY);
        Sl651Decoder d = new Sl651Decoder();
        List<Event> ev = d.feed(stream);
        assertEquals(3, ev.size());
        ev.forEach(e -> assertInstanceOf(Received.class, e));
        assertEquals(0x32, ((Received) ev.get(0)).frame().function());
        assertEquals(0x2F, ((Received) ev.get(1)).frame().function());
        assertEquals(0x3A, ((Received) ev.get(2)).frame().function());
        assertEquals(7, d.skipped());
    }

    static Refused refusedThenResync(byte[] bad) throws Exception {
        byte[] stream = new byte[bad.length + hex(TIMED).length];
        System.arraycopy(bad, 0, stream, 0, bad.length);
        System.arraycopy(hex(TIMED), 0, stream, bad.length, hex(TIMED).length);
        Sl651Decoder d = new Sl651Decoder();
        List<Event> ev = new ArrayList<>(d.feed(stream));
        ev.addAll(d.flush());
        Refused r = assertInstanceOf(Refused.class, ev.get(0));
        assertEquals(new Received(Sl651Frame.decode(hex(TIMED)), Report.decode(Sl651Frame.decode(hex(TIMED)))),
                ev.get(ev.size() - 1), "resynchronised on the next frame: " + ev);
        ev.subList(0, ev.size() - 1).forEach(e -> assertInstanceOf(Refused.class, e));
        return r;
    }

    @Test
    void badCrcRefusedAndResync() throws Exception {
        byte[] b = hex(TIMED);
        b[b.length - 1] ^= 1;
        Sl651Exception e = assertThrows(Sl651Exception.class, () -> Sl651Frame.decode(b));
        assertEquals(Kind.CRC, e.kind());
        assertEquals("CRC: CRC C11D, computed C11C", e.getMessage());
        assertEquals(Kind.CRC, refusedThenResync(b).reason().kind());
        byte[] body = hex(TIMED);
        body[30] ^= 0x10; // a body byte changed in transit
        assertEquals(Kind.CRC, refusedThenResync(body).reason().kind());
    }

    @Test
    void wrongLengthRefused() throws Exception {
        for (String len : List.of("002F", "0031", "0000", "0FFF")) {
            byte[] b = hex(TIMED.replace(" 0030 ", " " + len + " "));
            Sl651Exception e = assertThrows(Sl651Exception.class, () -> Sl651Frame.decode(b));
            assertTrue(e.kind() == Kind.LENGTH || e.kind() == Kind.TRUNCATED, len + ": " + e.getMessage());
            Refused r = refusedThenResync(b);
            assertTrue(r.reason().kind() == Kind.LENGTH || r.reason().kind() == Kind.TRUNCATED, len + ": " + r.reason());
        }
        // Length field one short: the byte where ETX should be is the last value byte.
        Sl651Exception e = assertThrows(Sl651Exception.class, () -> Sl651Frame.decode(fixCrc(hex(TIMED.replace(" 0030 ", " 002F ")), 64)));
        assertEquals(Kind.LENGTH, e.kind());
        // An element overrunning the body (3923 says 4 bytes, 3 left), the frame's CRC good.
        byte[] body = hex("0039 170718110254 F1F1 0011223344 48 F0F0 1707181102 3923 000104");
        byte[] frame = new Sl651Frame(5, "0011223344", 0x03E8, 0x32, false, body, 3).encode();
        assertEquals(Kind.LENGTH, refusedThenResync(frame).reason().kind());
    }

    /** Recomputes the CRC of a frame whose end byte is at {@code endAt}, so only the length is wrong. */
    static byte[] fixCrc(byte[] f, int total) {
        byte[] g = java.util.Arrays.copyOf(f, total);
        int crc = Crc16.of(g, 0, total - 2);
        g[total - 2] = (byte) (crc >>> 8);
        g[total - 1] = (byte) crc;
        return g;
    }

    @Test
    void badBcdRefused() throws Exception {
        // Water level 0001049A: 'A' is no BCD digit; the CRC is made good so only the BCD is wrong.
        byte[] body = Sl651Frame.decode(hex(TIMED)).body();
        body[body.length - 1] = (byte) 0x9A;
        byte[] frame = new Sl651Frame(5, "0011223344", 0x03E8, 0x32, false, body, 3).encode();
        Refused r = refusedThenResync(frame);
        assertEquals(Kind.BCD, r.reason().kind());
        assertEquals("BCD: element 39 at body offset 42: byte 9A at offset 3 is not BCD", r.reason().getMessage());
        // A BCD time with a digit above 9, and one that is no date (month 13).
        byte[] t = Sl651Frame.decode(hex(TIMED)).body();
        t[2] = 0x1A;
        assertEquals(Kind.BCD, refusedThenResync(new Sl651Frame(5, "0011223344", 0x03E8, 0x32, false, t, 3).encode()).reason().kind());
        t[2] = 0x17;
        t[3] = 0x13;
        assertEquals(Kind.MALFORMED, refusedThenResync(new Sl651Frame(5, "0011223344", 0x03E8, 0x32, false, t, 3).encode()).reason().kind());
    }

    @Test
    void truncatedRefused() throws Exception {
        byte[] full = hex(TIMED);
        for (int n = 1; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            Sl651Exception e = assertThrows(Sl651Exception.class, () -> Sl651Frame.decode(cut));
            assertEquals(Kind.TRUNCATED, e.kind(), "cut at " + n);
            Sl651Decoder d = new Sl651Decoder();
            assertTrue(d.feed(cut).isEmpty());
            List<Event> flushed = d.flush();
            if (n >= 2) {
                assertEquals(Kind.TRUNCATED, assertInstanceOf(Refused.class, flushed.get(0)).reason().kind(), "cut at " + n);
            }
            assertEquals(0, d.buffered());
            if (n >= 14) {
                // Followed by a whole frame: the cut one is refused, the next one received.
                // Cut in the CRC, the next frame's first 7E takes the missing CRC byte's place: no way to tell
                // that from a bad CRC, and no new header fits inside the frame, so it is a CRC refusal.
                Refused r = refusedThenResync(cut);
                assertEquals(n == full.length - 1 ? Kind.CRC : Kind.TRUNCATED, r.reason().kind(), "cut at " + n + ": " + r.reason());
            }
        }
    }

    @Test
    void malformedHeadersRefused() throws Exception {
        assertEquals(Kind.MALFORMED, refusedThenResync(hex(TIMED.replace(" 0030 02 ", " 4030 02 "))).reason().kind());
        assertEquals(Kind.MALFORMED, refusedThenResync(hex(TIMED.replace(" 0030 02 ", " 0030 03 "))).reason().kind());
        assertEquals(Kind.UNSUPPORTED, refusedThenResync(hex(TIMED.replace(" 0030 02 ", " 0030 16 "))).reason().kind());
    }

    /**
     * Seeded random mutations of the vectors (flips, insertions, deletions, cuts, splices), bounded at 200 000 or
     * 5 s: the codec throws nothing but its own refusal, never hangs, and buffers at most one frame.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void fuzz() {
        int[] got = fuzz(Encoding.HEX, List.of(hex(TIMED), hex(QUERY), hex(KEEP_ALIVE)), 651_2014L, 200_000, 5_000, 1_000,
                b -> {
                    fixCrc(b);
                    return b;
                });
        System.out.println("SL 651 fuzz: " + got[0] + " mutations, " + got[1] + " frames with a good CRC decoded, buffer bounded by "
                + Sl651Frame.MAX_FRAME);
    }

    /**
     * The mutation loop both encodings' fuzz tests run: at most {@code max} mutated seeds or {@code millis}, each
     * decoded whole and fed to a fresh decoder and to one long-lived stream decoder; a third of them get their CRC
     * rewritten ({@code fixCrc}) so the body decoders see the damage; at least {@code atLeast} mutations must run
     * (a loaded machine runs fewer in the time). Asserts the codec throws nothing but its own
     * refusal and buffers at most one frame, and that a good frame still comes through the stream after all that.
     *
     * @return mutations run and frames with a good CRC decoded
     */
    static int[] fuzz(Encoding encoding, List<byte[]> seeds, long seed, int max, long millis, int atLeast,
                      java.util.function.UnaryOperator<byte[]> fixCrc) {
        Random rnd = new Random(seed);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        Sl651Decoder stream = new Sl651Decoder(encoding);
        int n = 0;
        int received = 0;
        for (; n < max && System.nanoTime() < deadline; n++) {
            byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
            int k = 1 + rnd.nextInt(4);
            for (int m = 0; m < k; m++) {
                b = mutate(b, rnd, seeds);
            }
            if (rnd.nextInt(3) == 0) {
                b = fixCrc.apply(b);
            }
            try {
                Report.decode(Sl651Frame.decode(encoding, b, 0, b.length));
            } catch (Sl651Exception expected) {
                assertTrue(expected.getMessage() != null);
            }
            Sl651Decoder d = new Sl651Decoder(encoding);
            for (Event e : d.feed(b)) {
                if (e instanceof Received) {
                    received++;
                }
            }
            d.flush();
            assertEquals(0, d.buffered());
            stream.feed(b);
            assertTrue(stream.buffered() <= Sl651Frame.MAX_FRAME);
        }
        assertTrue(n >= atLeast, "only " + n + " mutations in " + millis + " ms");
        assertTrue(received > 0);
        stream.flush();
        assertEquals(1, stream.feed(seeds.get(0)).stream().filter(Received.class::isInstance).count());
        return new int[] {n, received};
    }

    /** Rewrites the CRC where the length field puts it, if the frame is that long. */
    static void fixCrc(byte[] b) {
        if (b.length < 13) {
            return;
        }
        int total = Sl651Frame.HEADER + (((b[11] & 0x0F) << 8) | (b[12] & 0xFF)) + 3;
        if (total <= b.length) {
            int crc = Crc16.of(b, 0, total - 2);
            b[total - 2] = (byte) (crc >>> 8);
            b[total - 1] = (byte) crc;
        }
    }

    static byte[] mutate(byte[] b, Random rnd, List<byte[]> seeds) {
        int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
        switch (rnd.nextInt(6)) {
            case 0 -> {
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                if (b.length > 0) {
                    b[at] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 2 -> {
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) (rnd.nextBoolean() ? 0x7E : rnd.nextInt(256));
                System.arraycopy(b, at, c, at + 1, b.length - at);
                return c;
            }
            case 3 -> {
                if (b.length == 0) {
                    return b;
                }
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                return c;
            }
            case 4 -> {
                return java.util.Arrays.copyOf(b, at);
            }
            default -> {
                byte[] s = seeds.get(rnd.nextInt(seeds.size()));
                int from = rnd.nextInt(s.length);
                byte[] c = java.util.Arrays.copyOf(b, at + s.length - from);
                System.arraycopy(s, from, c, at, s.length - from);
                return c;
            }
        }
    }
}
