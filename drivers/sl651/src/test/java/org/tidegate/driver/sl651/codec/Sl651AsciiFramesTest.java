package org.tidegate.driver.sl651.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.driver.modbus.codec.Crc16;
import org.tidegate.driver.sl651.codec.Sl651Decoder.Event;
import org.tidegate.driver.sl651.codec.Sl651Decoder.Received;
import org.tidegate.driver.sl651.codec.Sl651Decoder.Refused;
import org.tidegate.driver.sl651.codec.Sl651Exception.Kind;

/**
 * SL 651-2014 ASCII mode (clause 6.4: SOH {@code 01}, header fields as hex digits, text body with the ASCII element
 * identifiers of appendix C, CRC as 4 hex digits): issue 15's timed report written in ASCII. The frames below were
 * built and their CRCs computed independently (Python: a bitwise CRC-16/MODBUS, reflected 0xA001, init 0xFFFF, over
 * every byte from SOH through the end byte), not by this codec: 5E5B for the timed report, 1829 with function 3A,
 * 9041 for a keep-alive, CC31 and 0470 for the acknowledgements (EOT, ESC). The length field 055 is the body's 85
 * characters. What of the ASCII layout is assumed rather than read in the standard's text is listed in
 * docs/sl651.md ("ASCII mode") and in {@link AsciiBody}.
 */
class Sl651AsciiFramesTest {
    static final String SOH = "\u0001";
    static final String STX = "\u0002";
    static final String ETX = "\u0003";
    static final String BODY = "0039170718110254 ST 0011223344 H TT 1707181102 PD 0.0 PJ 4.0 PT 4.0 VT 10.99 Z 10.490";
    /** Timed report (32) from station 0011223344 to centre 05, password 03E8, as issue 15's HEX vector. */
    static final String TIMED = SOH + "05" + "0011223344" + "03E8" + "32" + "0055" + STX + BODY + ETX + "5E5B";
    /** The same body answering a centre query of chosen elements (3A). */
    static final String QUERY = SOH + "05" + "0011223344" + "03E8" + "3A" + "0055" + STX + BODY + ETX + "1829";
    /** A keep-alive (2F): serial 003A, sent 2017-07-18 11:05:00. */
    static final String KEEP_ALIVE = SOH + "0500112233440" + "3E82F0010" + STX + "003A170718110500" + ETX + "9041";
    static final LocalDateTime OBSERVED = LocalDateTime.of(2017, 7, 18, 11, 2);

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void timedReportInAscii() throws Exception {
        byte[] bytes = ascii(TIMED);
        assertEquals(Sl651Frame.ASCII_HEADER + 85 + 5, bytes.length);
        Sl651Frame f = Sl651Frame.decode(bytes);
        assertEquals(Encoding.ASCII, f.encoding());
        assertEquals(0x05, f.centre());
        assertEquals("0011223344", f.station());
        assertEquals(0x03E8, f.password());
        assertEquals(FunctionCode.TIMED, f.function());
        assertFalse(f.downlink());
        assertEquals(85, f.body().length);
        assertEquals(0x0039, f.serialNumber());

        Report r = Report.decode(f);
        assertEquals(0x0039, r.serial());
        assertEquals(LocalDateTime.of(2017, 7, 18, 11, 2, 54), r.sendTime());
        assertEquals("0011223344", r.station());
        assertEquals('H', r.category());
        assertEquals(OBSERVED, r.observed());
        assertEquals(new BigDecimal("0.0"), r.element(Element.DAILY_RAINFALL).value());
        assertEquals(new BigDecimal("4.0"), r.element(Element.CURRENT_RAINFALL).value());
        assertEquals(new BigDecimal("4.0"), r.element(Element.CUMULATIVE_RAINFALL).value());
        assertEquals(new BigDecimal("10.99"), r.element(Element.VOLTAGE).value());
        assertEquals(new BigDecimal("10.490"), r.element(Element.WATER_LEVEL).value());
        assertEquals(OBSERVED, r.element(Element.WATER_LEVEL).observed());

        // the same values as the HEX vector of the issue: one report, two encodings
        Report hex = Report.decode(Sl651Frame.decode(Sl651KnownFramesTest.hex(Sl651KnownFramesTest.TIMED)));
        for (Element e : hex.elements()) {
            assertEquals(e.value(), r.element(e.id()).value(), String.format("element %02X", e.id()));
        }

        assertArrayEquals(bytes, f.encode());
        assertArrayEquals(f.body(), r.encode(Encoding.ASCII));
        Sl651Frame rebuilt = new Sl651Frame(5, "0011223344", 0x03E8, FunctionCode.TIMED, false, r.encode(Encoding.ASCII),
                ControlChar.ETX, Encoding.ASCII);
        assertArrayEquals(bytes, rebuilt.encode());
        assertEquals(Report.decode(Sl651Frame.decode(ascii(QUERY))).elements(), r.elements());
    }

    @Test
    void keepAliveAndAcknowledgementsInAscii() throws Exception {
        Sl651Frame ka = Sl651Frame.decode(ascii(KEEP_ALIVE));
        Report r = Report.decode(ka);
        assertEquals(0x003A, r.serial());
        assertTrue(r.elements().isEmpty());
        assertArrayEquals(ascii(KEEP_ALIVE), new Sl651Frame(5, "0011223344", 0x03E8, 0x2F, false, r.encode(Encoding.ASCII),
                ControlChar.ETX, Encoding.ASCII).encode());

        // clause 6.6 acknowledgement, ASCII: direction 8, addresses swapped, the report's serial digits, centre's time
        Sl651Frame report = Sl651Frame.decode(ascii(TIMED));
        Sl651Frame eot = Sl651Frame.acknowledgement(report, LocalDateTime.of(2017, 7, 18, 11, 3, 0), false);
        assertArrayEquals(ascii(SOH + "0011223344" + "05" + "03E8" + "32" + "8010" + STX + "0039170718110300" + "\u0004" + "CC31"), eot.encode());
        Sl651Frame esc = Sl651Frame.acknowledgement(report, LocalDateTime.of(2017, 7, 18, 11, 3, 0), true);
        assertArrayEquals(ascii(SOH + "0011223344" + "05" + "03E8" + "32" + "8010" + STX + "0039170718110300" + "\u001B" + "0470"), esc.encode());
        Sl651Frame back = Sl651Frame.decode(eot.encode());
        assertTrue(back.downlink());
        assertEquals(5, back.centre());
        assertEquals("0011223344", back.station());
        assertEquals(0x0039, back.serialNumber());
        List<Event> ev = new Sl651Decoder(Encoding.ASCII).feed(esc.encode());
        assertEquals(1, ev.size());
        assertEquals(esc, ((Received) ev.get(0)).frame());
    }

    @Test
    void lowerCaseHexDigitsAndNegativeValuesAndASecondObservationTime() throws Exception {
        String body = "00ff170718110254 ST 00112233aa H TT 1707181102 Z -0.250 TT 1707181107 Z 0.125 VT 12.5";
        byte[] f = frame("33", body);
        Report r = Report.decode(Sl651Frame.decode(f));
        assertEquals(0xFF, r.serial());
        assertEquals("00112233AA", r.station());
        assertEquals(3, r.elements().size());
        assertEquals(new BigDecimal("-0.250"), r.elements().get(0).value());
        assertEquals(OBSERVED, r.elements().get(0).observed());
        assertEquals(new BigDecimal("0.125"), r.elements().get(1).value());
        assertEquals(OBSERVED.plusMinutes(5), r.elements().get(1).observed());
        assertEquals(new BigDecimal("12.5"), r.elements().get(2).value());
        // the HEX form of the negative level: FF then BCD, 3 decimals
        Element neg = r.elements().get(0);
        assertEquals(3, neg.decimals());
        assertEquals((byte) 0xFF, neg.raw()[0]);
    }

    @Test
    void unknownIdentifiersAreSkippedWithTheirValue() throws Exception {
        Report r = Report.decode(Sl651Frame.decode(frame("32", "0001170718110254 ST 0011223344 H TT 1707181102 XW 17.5 Z 1.000")));
        assertEquals(1, r.elements().size());
        assertEquals(new BigDecimal("1.000"), r.element(Element.WATER_LEVEL).value());
    }

    /** An uplink ASCII frame around {@code body} with a correct length and CRC (this codec's rule, checked above). */
    static byte[] frame(String function, String body) {
        byte[] head = ascii(SOH + "05" + "0011223344" + "03E8" + function + String.format("0%03X", body.length()) + STX + body + ETX);
        byte[] f = java.util.Arrays.copyOf(head, head.length + 4);
        System.arraycopy(ascii(String.format("%04X", Crc16.of(head, 0, head.length))), 0, f, head.length, 4);
        return f;
    }

    @Test
    void everyFrameByteByByteAndInEverySplit() throws Exception {
        for (String v : List.of(TIMED, QUERY, KEEP_ALIVE)) {
            Sl651KnownFramesTest.assertEverySplit(Encoding.ASCII, ascii(v), 7);
        }
    }

    static Refused refusedThenResync(byte[] bad) throws Exception {
        byte[] good = ascii(TIMED);
        byte[] stream = java.util.Arrays.copyOf(bad, bad.length + good.length);
        System.arraycopy(good, 0, stream, bad.length, good.length);
        Sl651Decoder d = new Sl651Decoder(Encoding.ASCII);
        List<Event> ev = new ArrayList<>(d.feed(stream));
        ev.addAll(d.flush());
        Refused r = assertInstanceOf(Refused.class, ev.get(0), ev.toString());
        Sl651Frame f = Sl651Frame.decode(good);
        assertEquals(new Received(f, Report.decode(f)), ev.get(ev.size() - 1), "resynchronised on the next frame: " + ev);
        return r;
    }

    @Test
    void badCrcWrongLengthBadDigitsAndTruncatedFramesAreRefusedAndTheDecoderResynchronises() throws Exception {
        byte[] crc = ascii(TIMED.substring(0, TIMED.length() - 1) + "C");
        Sl651Exception e = assertThrows(Sl651Exception.class, () -> Sl651Frame.decode(crc));
        assertEquals(Kind.CRC, e.kind());
        assertEquals("CRC: CRC 5E5C, computed 5E5B", e.getMessage());
        assertEquals(Kind.CRC, refusedThenResync(crc).reason().kind());
        assertEquals(Kind.CRC, refusedThenResync(ascii(TIMED.replace("PJ 4.0", "PJ 5.0"))).reason().kind());
        assertEquals(Kind.CRC, refusedThenResync(ascii(TIMED.substring(0, TIMED.length() - 4) + "5E5G")).reason().kind());

        for (String len : List.of("0054", "0056", "0000", "0FFF")) {
            byte[] b = ascii(TIMED.replace("320055", "32" + len));
            Sl651Exception l = assertThrows(Sl651Exception.class, () -> Sl651Frame.decode(b));
            assertTrue(l.kind() == Kind.LENGTH || l.kind() == Kind.TRUNCATED, len + ": " + l.getMessage());
            Refused r = refusedThenResync(b);
            assertTrue(r.reason().kind() == Kind.LENGTH || r.reason().kind() == Kind.TRUNCATED || r.reason().kind() == Kind.CRC,
                    len + ": " + r.reason());
        }

        // CRC good, body bad: a time digit that is no digit, a value that is no number, a missing identifier
        assertEquals(Kind.BCD, refusedThenResync(frame("32", BODY.replace("1707181102 PD", "17071811A2 PD"))).reason().kind());
        assertEquals(Kind.MALFORMED, refusedThenResync(frame("32", BODY.replace("Z 10.490", "Z 10,490"))).reason().kind());
        assertEquals(Kind.MALFORMED, refusedThenResync(frame("32", BODY.replace(" ST ", " SX "))).reason().kind());
        assertEquals(Kind.MALFORMED, refusedThenResync(frame("32", "00G9" + BODY.substring(4))).reason().kind());
        assertEquals(Kind.LENGTH, refusedThenResync(frame("32", BODY + " VT")).reason().kind());
        assertEquals(Kind.MALFORMED, refusedThenResync(frame("32", BODY + " Z 1.0\u0007")).reason().kind());

        // a header digit that is not hex, a direction digit that is neither 0 nor 8
        assertEquals(Kind.MALFORMED, refusedThenResync(ascii(TIMED.replace("03E8", "03G8"))).reason().kind());
        assertEquals(Kind.MALFORMED, refusedThenResync(ascii(TIMED.replace("320055", "324055"))).reason().kind());

        // truncated: cut short and followed by a good frame, or cut short at the end of input
        byte[] cut = java.util.Arrays.copyOf(ascii(TIMED), 60);
        assertEquals(Kind.TRUNCATED, refusedThenResync(cut).reason().kind());
        Sl651Decoder d = new Sl651Decoder(Encoding.ASCII);
        assertTrue(d.feed(cut).isEmpty());
        List<Event> flushed = d.flush();
        assertEquals(Kind.TRUNCATED, assertInstanceOf(Refused.class, flushed.get(0)).reason().kind());
        assertEquals(0, d.buffered());
    }

    @Test
    void aHexDecoderSkipsAsciiFramesAndAnAsciiDecoderSkipsHexFrames() throws Exception {
        List<Event> hexSeesAscii = new Sl651Decoder(Encoding.HEX).feed(ascii(TIMED));
        assertTrue(hexSeesAscii.stream().noneMatch(Received.class::isInstance), hexSeesAscii.toString());
        Sl651Decoder ascii = new Sl651Decoder(Encoding.ASCII);
        List<Event> asciiSeesHex = new ArrayList<>(ascii.feed(Sl651KnownFramesTest.hex(Sl651KnownFramesTest.TIMED)));
        asciiSeesHex.addAll(ascii.flush());
        assertTrue(asciiSeesHex.stream().noneMatch(Received.class::isInstance), asciiSeesHex.toString());
    }

    /** Seeded random mutations of the ASCII vectors, bounded at 50 000 or 1.5 s, as the HEX fuzz (which covers the shared decoder paths longer). */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void fuzz() {
        int[] got = Sl651KnownFramesTest.fuzz(Encoding.ASCII, List.of(ascii(TIMED), ascii(QUERY), ascii(KEEP_ALIVE)), 651_6_4L,
                50_000, 1_500, 300, Sl651AsciiFramesTest::fixCrc);
        System.out.println("SL 651 ASCII fuzz: " + got[0] + " mutations, " + got[1] + " frames with a good CRC decoded");
    }

    /** Rewrites the CRC digits where the length field puts them, if the frame is that long and its length readable. */
    static byte[] fixCrc(byte[] b) {
        if (b.length < 24) {
            return b;
        }
        int len;
        try {
            len = Integer.parseInt(new String(b, 20, 3, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return b;
        }
        int total = Sl651Frame.ASCII_HEADER + len + 5;
        if (total <= b.length) {
            System.arraycopy(ascii(String.format("%04X", Crc16.of(b, 0, total - 4))), 0, b, total - 4, 4);
        }
        return b;
    }
}
