package org.tidegate.driver.modbus.codec;

/**
 * Modbus TCP framing: the 7-byte MBAP header (transaction id, protocol id 0, length of unit + PDU, unit id)
 * followed by the PDU (Modbus Messaging on TCP/IP Implementation Guide V1.0b, section 3.1.3).
 */
public final class Mbap {
    public static final int HEADER = 7;

    /** A parsed MBAP header; {@code length} counts the unit id and the PDU. */
    public record Header(int transactionId, int protocolId, int length, int unit) {
        public int pduLength() {
            return length - 1;
        }
    }

    private Mbap() {
    }

    public static byte[] encode(int transactionId, int unit, byte[] pdu) {
        byte[] adu = new byte[HEADER + pdu.length];
        adu[0] = (byte) (transactionId >> 8);
        adu[1] = (byte) transactionId;
        int len = pdu.length + 1;
        adu[4] = (byte) (len >> 8);
        adu[5] = (byte) len;
        adu[6] = (byte) unit;
        System.arraycopy(pdu, 0, adu, HEADER, pdu.length);
        return adu;
    }

    /**
     * Parses and validates the header at {@code off}.
     *
     * @throws FrameException if the protocol id is not 0 or the length cannot hold a PDU (1–253 bytes)
     */
    public static Header header(byte[] b, int off) throws FrameException {
        Header h = new Header(Pdu.u16(b, off), Pdu.u16(b, off + 2), Pdu.u16(b, off + 4), b[off + 6] & 0xFF);
        if (h.protocolId() != 0) {
            throw FrameException.malformed("MBAP protocol id " + h.protocolId() + ", expected 0");
        }
        if (h.length() < 2 || h.length() > 254) {
            throw FrameException.malformed("MBAP length " + h.length() + " out of range 2-254");
        }
        return h;
    }
}
