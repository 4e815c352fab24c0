package org.tidegate.driver.dlt645.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.dlt645.codec.Hex.bytes;
import static org.tidegate.driver.dlt645.codec.Hex.hex;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DL/T 645-2007 (多功能电能表通信协议) frames, checked by hand against the standard: frame layout 4.1, address 4.2,
 * control code 4.3, length 4.4 (L ≤ 200), the +33H data offset 4.5, checksum 4.6 (modulo 256 from the first 68
 * through the data), read data 7.3 with its error information word, read address, broadcast time sync; data
 * formats of Appendix A (02030000 total active power XX.XXXX kW, sign in the top bit).
 */
class Dlt645KnownFramesTest {

    private static final MeterAddress METER = new MeterAddress("123456789012");

    /*
     * Issue 15's vectors, by hand:
     * read 02030000 from 123456789012: address low byte first 12 90 78 56 34 12; DI0 first 00 00 03 02, +33 → 33 33 36 35;
     * CS = 68+12+90+78+56+34+12+68+11+04+33+33+36+35 = 0x46C → 6C. Matches the issue.
     * reply: data 33 33 36 35 | 78 56 34 → −33: DI 00 00 03 02 = 02030000, value 45 23 01 → low byte first
     * 01 23 45 → XX.XXXX = 01.2345 kW (top bit 0: positive). CS = 0x4F1 → F1. Matches the issue.
     */
    static final String READ_02030000 = "FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 36 35 6C 16";
    static final String REPLY_1_2345_KW = "68 12 90 78 56 34 12 68 91 07 33 33 36 35 78 56 34 F1 16";
    /* Same reply for −1.2345 kW: top byte 01 | 80 = 81, +33 → B4; CS = F1 − 34 + B4 = 0x71 (mod 256). */
    static final String REPLY_MINUS_1_2345_KW = "68 12 90 78 56 34 12 68 91 07 33 33 36 35 78 56 B4 71 16";
    /* Error reply, error word 02 (no requested data) +33 = 35; CS = 0x48D → 8D. */
    static final String ERROR_NO_DATA = "68 12 90 78 56 34 12 68 D1 01 35 8D 16";
    /* Read address with the wildcard address: the standard's well-known frame, CS = 0x4DF → DF. */
    static final String READ_ADDRESS = "68 AA AA AA AA AA AA 68 13 00 DF 16";
    /* Its reply: address 12 90 78 56 34 12 +33 = 45 C3 AB 89 67 45; CS 07. */
    static final String READ_ADDRESS_REPLY = "68 12 90 78 56 34 12 68 93 06 45 C3 AB 89 67 45 07 16";
    /* Broadcast time sync 2026-12-01 22:40:20 to 999999999999: ss mm hh DD MM YY = 20 40 22 01 12 26, +33 = 53 73 55 34 45 59; CS 61. */
    static final String TIME_SYNC = "68 99 99 99 99 99 99 68 08 06 53 73 55 34 45 59 61 16";

    /*
     * Block read of the phase voltages 0201FF00: DI0 first 00 FF 01 02, +33 → 33 32 34 35; CS = 0x469 → 69.
     * Its reply with follow-up (B1) carrying phase A 220.0 V (XXX.X: 2200 → 00 22 low byte first, +33 → 33 55):
     * CS = 0x493 → 93. Follow-up read (12, 7.3.3) of frame SEQ 1: data DI + 01, +33 → 33 32 34 35 34; CS 9F.
     * Last follow-up reply (92) with phase B 221.0 V (10 22 → 43 55) and SEQ 01 (→ 34); CS = 0x4B9 → B9.
     */
    static final String READ_VOLTAGE_BLOCK = "68 12 90 78 56 34 12 68 11 04 33 32 34 35 69 16";
    static final String BLOCK_REPLY_FOLLOW_UP = "68 12 90 78 56 34 12 68 B1 06 33 32 34 35 33 55 93 16";
    static final String FOLLOW_UP_READ_SEQ_1 = "68 12 90 78 56 34 12 68 12 05 33 32 34 35 34 9F 16";
    static final String FOLLOW_UP_LAST_REPLY = "68 12 90 78 56 34 12 68 92 07 33 32 34 35 43 55 34 B9 16";

    static final List<String> ALL = List.of(READ_02030000, REPLY_1_2345_KW, REPLY_MINUS_1_2345_KW, ERROR_NO_DATA, READ_ADDRESS,
            READ_ADDRESS_REPLY, TIME_SYNC, READ_VOLTAGE_BLOCK, BLOCK_REPLY_FOLLOW_UP, FOLLOW_UP_READ_SEQ_1, FOLLOW_UP_LAST_REPLY);

    static final BcdFormat POWER = BcdFormat.parse("XX.XXXX", true);

    @Test
    void readRequestOfTheIssue() {
        Frame req = Dlt645.readRequest(METER, 0x02030000);
        assertEquals(READ_02030000, hex(req.encode()));
        assertEquals(READ_02030000.substring(12), hex(req.encode(0)));
        assertArrayEquals(bytes("00 00 03 02"), Dlt645.identifierBytes(Dlt645.parseIdentifier("02030000")));
    }

    @Test
    void replyOfTheIssueIs1point2345kW() throws Exception {
        Frame reply = Frame.decode(bytes(REPLY_1_2345_KW));
        assertEquals(METER, reply.address());
        assertEquals(Control.READ_REPLY, reply.control());
        ReadReply r = Dlt645.readReply(Dlt645.readRequest(METER, 0x02030000), reply);
        assertEquals(0x02030000, r.dataIdentifier());
        assertFalse(r.followUp());
        assertEquals("XX.XXXX", POWER.pattern());
        assertEquals(new BigDecimal("1.2345"), POWER.decode(r.value()));
        // and the meter side encodes it back to the same bytes
        byte[] data = concat(Dlt645.identifierBytes(0x02030000), POWER.encode(new BigDecimal("1.2345")));
        assertEquals(REPLY_1_2345_KW, hex(new Frame(METER, Control.READ_REPLY, data).encode(0)));
    }

    @Test
    void signInTheTopBit() throws Exception {
        ReadReply r = Dlt645.readReply(Dlt645.readRequest(METER, 0x02030000), Frame.decode(bytes(REPLY_MINUS_1_2345_KW)));
        assertEquals(new BigDecimal("-1.2345"), POWER.decode(r.value()));
        // unsigned, the same bytes would be a bad BCD digit (8 is fine, but 81 → digits 8,1: 81.2345)
        assertEquals(new BigDecimal("81.2345"), BcdFormat.parse("XX.XXXX", false).decode(r.value()));
        assertArrayEquals(bytes("45 23 81"), POWER.encode(new BigDecimal("-1.2345")));
        assertThrows(IllegalArgumentException.class, () -> BcdFormat.parse("XX.XXXX", false).encode(new BigDecimal("-1")));
        assertThrows(IllegalArgumentException.class, () -> POWER.encode(new BigDecimal("80")));
    }

    @Test
    void formatsOfTheStandard() throws Exception {
        BcdFormat volt = BcdFormat.parse("XXX.X", false);
        assertEquals(new BcdFormat(4, 1, false), volt);
        assertEquals(new BigDecimal("220.1"), volt.decode(bytes("01 22")));
        BcdFormat amp = BcdFormat.parse("XXX.XXX", true);
        assertEquals(new BigDecimal("-1.234"), amp.decode(bytes("34 12 80")));
        BcdFormat kwh = BcdFormat.parse("XXXXXX.XX", false);
        assertEquals(new BigDecimal("123456.78"), kwh.decode(bytes("78 56 34 12")));
        // block 0201FF00: three phase voltages
        assertEquals(List.of(new BigDecimal("220.1"), new BigDecimal("221.0"), new BigDecimal("219.9")),
                volt.decodeBlock(bytes("01 22 10 22 99 21")));
        for (String bad : new String[] {"", "X", "XXX", "XX..X", "XX.X.X", "9X", "XX.XXX"}) {
            assertThrows(IllegalArgumentException.class, () -> BcdFormat.parse(bad, false), bad);
        }
        assertThrows(Dlt645Exception.class, () -> volt.decodeBlock(bytes("01 22 10")));
    }

    @Test
    void errorReplyDecodesTheErrorWord() throws Exception {
        Frame reply = Frame.decode(bytes(ERROR_NO_DATA));
        Dlt645Exception e = assertThrows(Dlt645Exception.class, () -> Dlt645.readReply(Dlt645.readRequest(METER, 0x02030000), reply));
        assertEquals(Dlt645Exception.Reason.ERROR_REPLY, e.reason());
        assertEquals(Set.of(MeterError.NO_DATA), e.errors());
        assertTrue(e.getMessage().contains("no requested data"), e.getMessage());
        assertEquals(Set.of(MeterError.OTHER, MeterError.UNAUTHORIZED, MeterError.RESERVED), MeterError.decode(0x85));
    }

    @Test
    void followUpReplyAndMismatches() throws Exception {
        Frame req = Dlt645.readRequest(METER, 0x02030000);
        byte[] data = concat(Dlt645.identifierBytes(0x02030000), POWER.encode(new BigDecimal("1.2345")));
        ReadReply r = Dlt645.readReply(req, new Frame(METER, Control.READ_REPLY_FOLLOW_UP, data));
        assertTrue(r.followUp());
        assertReason(Dlt645Exception.Reason.MISMATCH, () -> Dlt645.readReply(req, new Frame(new MeterAddress("000000000001"), Control.READ_REPLY, data)));
        assertReason(Dlt645Exception.Reason.MISMATCH, () -> Dlt645.readReply(Dlt645.readRequest(METER, 0x00010000), new Frame(METER, Control.READ_REPLY, data)));
        assertReason(Dlt645Exception.Reason.LENGTH, () -> Dlt645.readReply(req, new Frame(METER, Control.READ_REPLY, bytes("00 00 03"))));
        assertReason(Dlt645Exception.Reason.MALFORMED, () -> Dlt645.readReply(req, new Frame(METER, 0x94, data)));
        assertReason(Dlt645Exception.Reason.LENGTH, () -> POWER.decode(bytes("45 23")));
    }

    @Test
    void blockReadWithAFollowUpFrame() throws Exception {
        BcdFormat volt = BcdFormat.parse("XXX.X", false);
        Frame read = Dlt645.readRequest(METER, 0x0201FF00);
        assertEquals(READ_VOLTAGE_BLOCK, hex(read.encode(0)));
        ReadReply first = Dlt645.readReply(read, Frame.decode(bytes(BLOCK_REPLY_FOLLOW_UP)));
        assertTrue(first.followUp());
        assertEquals(new BigDecimal("220.0"), volt.decode(first.value()));
        Frame next = Dlt645.followUpRequest(METER, 0x0201FF00, 1);
        assertEquals(FOLLOW_UP_READ_SEQ_1, hex(next.encode(0)));
        ReadReply last = Dlt645.readReply(next, Frame.decode(bytes(FOLLOW_UP_LAST_REPLY)));
        assertFalse(last.followUp());
        assertEquals(new BigDecimal("221.0"), volt.decode(last.value()));
        // a follow-up reply with another SEQ, or the reply to a plain read offered for a follow-up read, is refused
        assertReason(Dlt645Exception.Reason.MISMATCH, () -> Dlt645.readReply(Dlt645.followUpRequest(METER, 0x0201FF00, 2),
                Frame.decode(bytes(FOLLOW_UP_LAST_REPLY))));
        assertReason(Dlt645Exception.Reason.MALFORMED, () -> Dlt645.readReply(next, Frame.decode(bytes(BLOCK_REPLY_FOLLOW_UP))));
        assertReason(Dlt645Exception.Reason.ERROR_REPLY, () -> Dlt645.readReply(next,
                new Frame(METER, Control.READ_FOLLOW_UP_ERROR, new byte[] {0x02})));
    }

    @Test
    void dataBlocksOfTheStandard() {
        DataBlock v = DataBlock.of(0x02010200);
        assertEquals(new DataBlock(0x0201FF00, 1), v);
        assertEquals(1, v.index(0x02010200));
        assertEquals(0x02010300, v.item(2));
        DataBlock p = DataBlock.of(0x02030000);
        assertEquals(new DataBlock(0x0203FF00, 0), p);
        assertEquals(3, p.index(0x02030300));
        assertEquals(new DataBlock(0x0001FF00, 0), DataBlock.of(0x00010000));
        assertEquals(new DataBlock(0x0202FF00, 1), DataBlock.of(0x02020100));
        assertEquals(null, DataBlock.of(0x02010000), "no total voltage item");
        assertEquals(null, DataBlock.of(0x04000101), "parameters are no block here");
    }

    @Test
    void readAddressAndTimeSync() throws Exception {
        assertEquals(READ_ADDRESS, hex(Dlt645.readAddressRequest().encode(0)));
        assertEquals(METER, Dlt645.readAddressReply(Frame.decode(bytes(READ_ADDRESS_REPLY))));
        Frame sync = Dlt645.timeSync(LocalDateTime.of(2026, 12, 1, 22, 40, 20));
        assertEquals(TIME_SYNC, hex(sync.encode(0)));
        assertEquals(LocalDateTime.of(2026, 12, 1, 22, 40, 20), Dlt645.timeOf(Frame.decode(bytes(TIME_SYNC))));
        assertTrue(MeterAddress.WILDCARD.matches(METER));
        assertThrows(IllegalArgumentException.class, () -> new MeterAddress("12345678901"));
        assertThrows(IllegalArgumentException.class, () -> new MeterAddress("12345678901B"));
    }

    @Test
    void everyFrameByteByByteAndInEverySplit() throws Exception {
        for (String f : ALL) {
            byte[] wire = bytes(f);
            Frame expected = Frame.decode(wire);
            Collect c = new Collect();
            FrameDecoder d = new FrameDecoder();
            for (byte b : wire) {
                d.feed(b, c);
            }
            assertEquals(List.of(expected), c.frames, f);
            assertEquals(List.of(), c.refusals);
            for (int split = 0; split <= wire.length; split++) {
                Collect s = new Collect();
                d.reset();
                d.feed(wire, 0, split, s);
                if (split < wire.length) {
                    assertEquals(List.of(), s.frames, f + " split " + split);
                }
                d.feed(wire, split, wire.length - split, s);
                assertEquals(List.of(expected), s.frames, f + " split " + split);
                assertEquals(List.of(), s.refusals, f + " split " + split);
                assertEquals(0, d.buffered());
            }
        }
    }

    @Test
    void refusalsWithTheirReasons() {
        // checksum one off
        assertReason(Dlt645Exception.Reason.CHECKSUM, () -> Frame.decode(bytes(REPLY_1_2345_KW.replace("F1 16", "F2 16"))));
        // a data byte changed, checksum left
        assertReason(Dlt645Exception.Reason.CHECKSUM, () -> Frame.decode(bytes(REPLY_1_2345_KW.replace("78 56 34", "78 56 35"))));
        // length one short: the end byte is not where L puts it
        assertReason(Dlt645Exception.Reason.LENGTH, () -> Frame.decode(bytes(REPLY_1_2345_KW.replace("91 07", "91 06"))));
        // length one long, followed by more bytes
        assertReason(Dlt645Exception.Reason.LENGTH, () -> Frame.decode(bytes(REPLY_1_2345_KW.replace("91 07", "91 08") + " 00")));
        // length beyond 200
        assertReason(Dlt645Exception.Reason.MALFORMED, () -> Frame.decode(bytes("68 12 90 78 56 34 12 68 91 C9")));
        // second 68 missing
        assertReason(Dlt645Exception.Reason.MALFORMED, () -> Frame.decode(bytes("68 12 90 78 56 34 12 69 91 07")));
        // address not BCD (checksum fixed up: 1A − 12 = +8 → F9)
        assertReason(Dlt645Exception.Reason.BCD, () -> Frame.decode(bytes("68 1A 90 78 56 34 12 68 91 07 33 33 36 35 78 56 34 F9 16")));
        // value not BCD: 78 56 3F − 33 = 45 23 0C
        assertReason(Dlt645Exception.Reason.BCD, () -> POWER.decode(bytes("45 23 0C")));
        // truncated: every proper prefix from the first 68
        byte[] wire = bytes(REPLY_1_2345_KW);
        for (int n = 1; n < wire.length; n++) {
            byte[] prefix = new byte[n];
            System.arraycopy(wire, 0, prefix, 0, n);
            assertReason(Dlt645Exception.Reason.TRUNCATED, () -> Frame.decode(prefix));
        }
        // bytes after the frame
        assertReason(Dlt645Exception.Reason.LENGTH, () -> Frame.decode(bytes(REPLY_1_2345_KW + " 00")));
    }

    @Test
    void resynchronisesOnTheNextFrameAfterGarbage() throws Exception {
        Frame good = Frame.decode(bytes(REPLY_1_2345_KW));
        String[] garbage = {
            "00 FF 13 37",                                             // noise
            "68 68 68",                                                // stray starts
            "68 12 90 78 56 34 12 68 91 07 33 33",                    // a truncated frame, then the next one
            REPLY_1_2345_KW.replace("F1 16", "F2 16"),               // a bad checksum
            "68 12 90 78 56 34 12 68 91 40",                         // a length that swallows the next frame
        };
        for (String g : garbage) {
            Collect c = new Collect();
            FrameDecoder d = new FrameDecoder();
            byte[] wire = bytes(g + " FE FE " + REPLY_1_2345_KW + " " + ERROR_NO_DATA);
            for (byte b : wire) {
                d.feed(b, c);
            }
            d.endOfInput(c);
            assertEquals(List.of(good, Frame.decode(bytes(ERROR_NO_DATA))), c.frames.subList(Math.max(0, c.frames.size() - 2), c.frames.size()), g);
            assertEquals(2, c.frames.size(), g);
            assertEquals(0, d.buffered());
        }
        // a candidate cut off by a whole frame is refused as truncated, with the frame delivered right away
        Collect c = new Collect();
        FrameDecoder d = new FrameDecoder();
        byte[] wire = bytes("68 12 90 78 56 34 12 68 91 40 " + REPLY_1_2345_KW);
        d.feed(wire, 0, wire.length, c);
        assertEquals(List.of(good), c.frames);
        assertEquals(1, c.refusals.size());
        assertEquals(Dlt645Exception.Reason.TRUNCATED, c.refusals.get(0).reason());
        assertEquals(0, d.buffered());
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void seededMutationFuzz() {
        Random rnd = new Random(645_2007L);
        List<byte[]> seeds = new ArrayList<>();
        for (String f : ALL) {
            seeds.add(bytes(f));
        }
        FrameDecoder d = new FrameDecoder();
        Collect c = new Collect();
        long deadline = System.nanoTime() + 5_000_000_000L;
        int runs = 0;
        for (; runs < 200_000 && System.nanoTime() < deadline; runs++) {
            byte[] m = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            c.frames.clear();
            c.refusals.clear();
            try {
                Frame f = Frame.decode(m);
                // whatever decodes re-encodes to a frame that decodes the same
                assertEquals(f, Frame.decode(f.encode(rnd.nextInt(5))));
                try {
                    Dlt645.readReply(Dlt645.readRequest(METER, 0x02030000), f);
                } catch (Dlt645Exception e) {
                    // the codec's own refusal
                }
                if (f.data().length >= 3) {
                    try {
                        POWER.decode(f.data(), f.data().length - 3);
                    } catch (Dlt645Exception e) {
                        // refusal
                    }
                }
            } catch (Dlt645Exception e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            }
            // streaming: the decoder never holds more than its fixed capacity and never throws
            d.feed(m, 0, m.length, c);
            assertTrue(d.buffered() <= FrameDecoder.CAPACITY);
        }
        d.endOfInput(c);
        assertEquals(0, d.buffered());
        assertTrue(runs > 10_000, "only " + runs + " mutations ran");
        System.out.println("DL/T 645 fuzz: " + runs + " mutations, decoder buffer bounded by " + FrameDecoder.CAPACITY);
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(seed, 0, seed.length);
        byte[] b = out.toByteArray();
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits; i++) {
            switch (rnd.nextInt(5)) {
                case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                case 1 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 3 -> {
                    byte[] n = new byte[b.length + 1 + rnd.nextInt(8)];
                    rnd.nextBytes(n);
                    int at = rnd.nextInt(b.length + 1);
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at, n, n.length - (b.length - at), b.length - at);
                    b = n;
                }
                default -> {
                    // fix the checksum up so that mutations get past it and reach the deeper checks
                    int start = indexOf68(b);
                    if (start >= 0 && b.length >= start + 12) {
                        int len = b[start + 9] & 0xFF;
                        int cs = start + 10 + len;
                        if (cs < b.length) {
                            b[cs] = (byte) Frame.checksum(b, start, 10 + len);
                        }
                    }
                }
            }
            if (b.length == 0) {
                b = new byte[] {0x68};
            }
        }
        return b;
    }

    private static int indexOf68(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if ((b[i] & 0xFF) == 0x68) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Dlt645Exception.Reason reason, Call call) {
        Dlt645Exception e = assertThrows(Dlt645Exception.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    static final class Collect implements FrameDecoder.Listener {
        final List<Frame> frames = new ArrayList<>();
        final List<Dlt645Exception> refusals = new ArrayList<>();

        @Override
        public void frame(Frame frame) {
            frames.add(frame);
        }

        @Override
        public void refused(Dlt645Exception reason, byte[] bytes) {
            refusals.add(reason);
        }
    }
}
