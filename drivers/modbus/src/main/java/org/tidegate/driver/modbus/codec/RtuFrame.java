package org.tidegate.driver.modbus.codec;

/** Modbus RTU framing: unit address, PDU, CRC-16 low byte first (Modbus over Serial Line V1.02, 2.5.1). */
public final class RtuFrame {
    /** Largest RTU frame: address + 253-byte PDU + CRC. */
    public static final int MAX_FRAME = 256;

    private RtuFrame() {
    }

    public static byte[] encode(int unit, byte[] pdu) {
        if (unit < 0 || unit > 247) {
            throw new IllegalArgumentException("unit " + unit + " out of range 0-247");
        }
        if (pdu.length < 1 || pdu.length > 253) {
            throw new IllegalArgumentException("PDU of " + pdu.length + " bytes (1-253 allowed)");
        }
        byte[] frame = new byte[pdu.length + 3];
        frame[0] = (byte) unit;
        System.arraycopy(pdu, 0, frame, 1, pdu.length);
        int crc = Crc16.of(frame, 0, pdu.length + 1);
        frame[pdu.length + 1] = (byte) crc;
        frame[pdu.length + 2] = (byte) (crc >>> 8);
        return frame;
    }

    /**
     * The RTU silent interval between frames (t3.5) for a line speed: 3.5 characters of {@code bitsPerChar}
     * bits, and a fixed 1.75 ms above 19200 baud as the serial-line spec recommends.
     */
    public static long interFrameNanos(int baud, int bitsPerChar) {
        if (baud > 19200) {
            return 1_750_000L;
        }
        return 3_500_000_000L * bitsPerChar / baud;
    }
}
