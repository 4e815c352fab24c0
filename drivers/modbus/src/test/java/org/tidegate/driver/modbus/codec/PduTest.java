package org.tidegate.driver.modbus.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tidegate.driver.modbus.codec.Hex.bytes;

import org.junit.jupiter.api.Test;

/** The request/response examples of Modbus Application Protocol Specification V1.1b3, section 6. */
class PduTest {

    @Test
    void readCoils() throws Exception {
        byte[] req = Pdu.readRequest(1, 0x13, 0x13);
        assertArrayEquals(bytes("01 00 13 00 13"), req);
        byte[] resp = bytes("01 03 CD 6B 05");
        Pdu.check(req, resp);
        boolean[] bits = Pdu.bits(resp, 19);
        // Coils 27-20 = CD = 1100 1101: coil 20 (bit 0) on, 21 off, 22 on, 23 on, 24 off, 25 off, 26 on, 27 on.
        assertEquals(true, bits[0]);
        assertEquals(false, bits[1]);
        assertEquals(true, bits[7]);
        // Coils 38-36 = 05: coil 36 on, 37 off, 38 on.
        assertEquals(true, bits[16]);
        assertEquals(false, bits[17]);
        assertEquals(true, bits[18]);
    }

    @Test
    void readDiscreteInputsHoldingAndInputRegisters() throws Exception {
        byte[] di = Pdu.readRequest(2, 0xC4, 0x16);
        assertArrayEquals(bytes("02 00 C4 00 16"), di);
        Pdu.check(di, bytes("02 03 AC DB 35"));

        byte[] hr = Pdu.readRequest(3, 0x6B, 3);
        assertArrayEquals(bytes("03 00 6B 00 03"), hr);
        byte[] hrResp = bytes("03 06 02 2B 00 00 00 64");
        Pdu.check(hr, hrResp);
        assertArrayEquals(new int[] {0x022B, 0, 0x64}, Pdu.registers(hrResp));

        byte[] ir = Pdu.readRequest(4, 8, 1);
        assertArrayEquals(bytes("04 00 08 00 01"), ir);
        Pdu.check(ir, bytes("04 02 00 0A"));
        assertArrayEquals(new int[] {10}, Pdu.registers(bytes("04 02 00 0A")));
    }

    @Test
    void writes() throws Exception {
        byte[] coil = Pdu.writeSingleCoil(0xAC, true);
        assertArrayEquals(bytes("05 00 AC FF 00"), coil);
        Pdu.check(coil, bytes("05 00 AC FF 00"));

        byte[] reg = Pdu.writeSingleRegister(1, 3);
        assertArrayEquals(bytes("06 00 01 00 03"), reg);
        Pdu.check(reg, bytes("06 00 01 00 03"));

        // Coils 20-29: CD 01 = 1100 1101, 0000 0001 (coil 20 is bit 0).
        boolean[] values = {true, false, true, true, false, false, true, true, true, false};
        byte[] coils = Pdu.writeMultipleCoils(0x13, values);
        assertArrayEquals(bytes("0F 00 13 00 0A 02 CD 01"), coils);
        Pdu.check(coils, bytes("0F 00 13 00 0A"));

        byte[] regs = Pdu.writeMultipleRegisters(1, new int[] {0x000A, 0x0102});
        assertArrayEquals(bytes("10 00 01 00 02 04 00 0A 01 02"), regs);
        Pdu.check(regs, bytes("10 00 01 00 02"));
    }

    @Test
    void rejectsResponsesThatDoNotMatch() {
        byte[] req = Pdu.readRequest(3, 0, 10);
        assertMalformed(req, bytes("04 14 00 00"));
        assertMalformed(req, bytes("03 12 00 00"));
        assertMalformed(req, bytes("03 14 00 00 00"));
        assertMalformed(Pdu.writeSingleRegister(1, 3), bytes("06 00 01 00 04"));
        FrameException e = assertThrows(FrameException.class, () -> Pdu.check(req, bytes("83 04")));
        assertEquals(FrameException.Kind.EXCEPTION_RESPONSE, e.kind());
        assertEquals(4, e.exceptionCode());
        assertThrows(IllegalArgumentException.class, () -> Pdu.readRequest(3, 0, 126));
        assertThrows(IllegalArgumentException.class, () -> Pdu.readRequest(1, 0, 2001));
        assertThrows(IllegalArgumentException.class, () -> Pdu.readRequest(3, 65530, 10));
    }

    @Test
    void mbapFraming() throws Exception {
        // Messaging on TCP/IP guide 3.1.3: transaction 1, protocol 0, length 6, unit 0xFF, then the PDU.
        byte[] adu = Mbap.encode(1, 0xFF, Pdu.readRequest(3, 4, 1));
        assertArrayEquals(bytes("00 01 00 00 00 06 FF 03 00 04 00 01"), adu);
        Mbap.Header h = Mbap.header(adu, 0);
        assertEquals(new Mbap.Header(1, 0, 6, 0xFF), h);
        assertEquals(5, h.pduLength());
        assertThrows(FrameException.class, () -> Mbap.header(bytes("00 01 00 01 00 06 FF"), 0));
        assertThrows(FrameException.class, () -> Mbap.header(bytes("00 01 00 00 01 06 FF"), 0));
    }

    private static void assertMalformed(byte[] req, byte[] resp) {
        FrameException e = assertThrows(FrameException.class, () -> Pdu.check(req, resp));
        assertEquals(FrameException.Kind.MALFORMED, e.kind(), e.getMessage());
    }
}
