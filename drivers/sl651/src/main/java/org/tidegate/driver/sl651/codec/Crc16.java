package org.tidegate.driver.sl651.codec;

/**
 * CRC-16/MODBUS as SL 651-2014 uses it: init 0xFFFF, reflected polynomial 0xA001, no final xor, over every byte
 * from the first {@code 7E} through the end byte, and (unlike Modbus RTU) sent high byte first.
 * Check value for ASCII "123456789" is 0x4B37.
 */
public final class Crc16 {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xA001 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc16() {
    }

    public static int of(byte[] data, int off, int len) {
        int crc = 0xFFFF;
        for (int i = off; i < off + len; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xFF];
        }
        return crc;
    }

    public static int of(byte[] data) {
        return of(data, 0, data.length);
    }
}
