package org.tidegate.driver.modbus.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tidegate.driver.modbus.codec.Hex.bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tidegate.driver.modbus.codec.RtuFrameDecoder.Role;
import org.tidegate.driver.modbus.codec.RtuFrameDecoder.State;

/**
 * Worked RTU frames. CRC vectors: the CRC-16/MODBUS check value for "123456789" (0x4B37, copied from the
 * project's shared vectors, which follow the Modbus over Serial Line spec V1.02 and the CRC catalogue), the
 * read-10-registers frame {@code 01 03 00 00 00 0A C5 CD}, and the classic Modicon PI-MBUS-300 example
 * {@code 11 03 00 6B 00 03 76 87}; the response CRCs below were cross-checked with pymodbus' computeCRC.
 */
class RtuCodecTest {

    @Test
    void crcCheckValue() {
        assertEquals(0x4B37, Crc16.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void encodesKnownRequestFrames() {
        assertArrayEquals(bytes("01 03 00 00 00 0A C5 CD"), RtuFrame.encode(1, Pdu.readRequest(3, 0, 10)));
        assertArrayEquals(bytes("11 03 00 6B 00 03 76 87"), RtuFrame.encode(0x11, Pdu.readRequest(3, 0x6B, 3)));
    }

    @Test
    void interFrameDelayFollowsTheSerialLineSpec() {
        // 9600 baud, 11 bits per character: 3.5 chars = 4.01 ms; above 19200 baud a fixed 1.75 ms.
        assertEquals(4_010_416, RtuFrame.interFrameNanos(9600, 11));
        assertEquals(1_750_000, RtuFrame.interFrameNanos(115200, 10));
    }

    /** Spec example (Application Protocol 6.3) in an RTU frame: 555, 0, 100 from unit 1. */
    private static final byte[] READ_RESPONSE = bytes("01 03 06 02 2B 00 00 00 64 05 7A");

    @Test
    void decodesAResponseByteByByte() {
        RtuFrameDecoder d = new RtuFrameDecoder(Role.RESPONSE);
        for (int i = 0; i < READ_RESPONSE.length; i++) {
            State s = d.feed(READ_RESPONSE[i]);
            assertEquals(i == READ_RESPONSE.length - 1 ? State.COMPLETE : State.NEED_MORE, s, "after byte " + i);
        }
        assertEquals(1, d.unit());
        assertArrayEquals(bytes("03 06 02 2B 00 00 00 64"), d.pdu());
        assertArrayEquals(new int[] {555, 0, 100}, Pdu.registers(d.pdu()));
    }

    @Test
    void decodesEverySplitIntoTwoAndThreeChunks() {
        byte[] f = READ_RESPONSE;
        for (int i = 0; i <= f.length; i++) {
            for (int j = i; j <= f.length; j++) {
                RtuFrameDecoder d = new RtuFrameDecoder(Role.RESPONSE);
                d.feed(f, 0, i);
                d.feed(f, i, j - i);
                assertEquals(State.COMPLETE, d.feed(f, j, f.length - j), "split at " + i + "," + j);
                assertArrayEquals(Arrays.copyOfRange(f, 1, f.length - 2), d.pdu());
                assertEquals(0, d.extraBytes());
            }
        }
    }

    @Test
    void decodesRequestsIncludingVariableLengthWrites() {
        // FC 16 spec example (6.12): write 000A, 0102 to registers 1-2 of unit 0x11.
        byte[] frame = RtuFrame.encode(0x11, bytes("10 00 01 00 02 04 00 0A 01 02"));
        for (int split = 0; split <= frame.length; split++) {
            RtuFrameDecoder d = new RtuFrameDecoder(Role.REQUEST);
            d.feed(frame, 0, split);
            assertEquals(State.COMPLETE, d.feed(frame, split, frame.length - split));
            assertEquals(0x11, d.unit());
            assertArrayEquals(bytes("10 00 01 00 02 04 00 0A 01 02"), d.pdu());
        }
        RtuFrameDecoder d = new RtuFrameDecoder(Role.REQUEST);
        assertEquals(State.COMPLETE, d.feed(bytes("01 03 00 00 00 0A C5 CD"), 0, 8));
    }

    @Test
    void exceptionResponseFrame() {
        // Application Protocol section 7 example: read coils at 04A1 answered with exception 02.
        byte[] f = bytes("01 83 02 C0 F1");
        RtuFrameDecoder d = new RtuFrameDecoder(Role.RESPONSE);
        for (byte b : f) {
            d.feed(b);
        }
        assertEquals(State.COMPLETE, d.state());
        FrameException e = org.junit.jupiter.api.Assertions.assertThrows(FrameException.class,
                () -> Pdu.check(Pdu.readRequest(3, 0, 10), d.pdu()));
        assertEquals(FrameException.Kind.EXCEPTION_RESPONSE, e.kind());
        assertEquals(2, e.exceptionCode());
        assertEquals("exception 2 (illegal data address)", e.getMessage());
    }

    @Test
    void badCrcShortFrameAndTrailingBytes() {
        byte[] corrupt = READ_RESPONSE.clone();
        corrupt[5] ^= 0x01;
        RtuFrameDecoder d = new RtuFrameDecoder(Role.RESPONSE);
        assertEquals(State.CRC_ERROR, d.feed(corrupt, 0, corrupt.length));

        RtuFrameDecoder s = new RtuFrameDecoder(Role.RESPONSE);
        assertEquals(State.NEED_MORE, s.feed(READ_RESPONSE, 0, 7));
        assertEquals(7, s.received());
        assertEquals(11, s.expectedLength());

        RtuFrameDecoder t = new RtuFrameDecoder(Role.RESPONSE);
        byte[] twice = new byte[2 * READ_RESPONSE.length];
        System.arraycopy(READ_RESPONSE, 0, twice, 0, 11);
        System.arraycopy(READ_RESPONSE, 0, twice, 11, 11);
        assertEquals(State.COMPLETE, t.feed(twice, 0, twice.length));
        assertEquals(11, t.extraBytes());

        RtuFrameDecoder u = new RtuFrameDecoder(Role.RESPONSE);
        assertEquals(State.UNFRAMEABLE, u.feed(bytes("01 2B 0E 01"), 0, 4));
    }
}
