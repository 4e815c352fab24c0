package org.tidegate.driver.modbus.codec;

import static org.tidegate.driver.modbus.codec.FunctionCode.EXCEPTION_FLAG;

/**
 * Builds request PDUs and checks response PDUs (function code + data, without unit, CRC or MBAP header),
 * per Modbus Application Protocol V1.1b3 section 6.
 */
public final class Pdu {
    private Pdu() {
    }

    /** FC 1, 2, 3 or 4: read {@code quantity} items starting at {@code address}. */
    public static byte[] readRequest(int function, int address, int quantity) {
        int max = FunctionCode.isBitRead(function) ? FunctionCode.MAX_READ_BITS
                : FunctionCode.isRegisterRead(function) ? FunctionCode.MAX_READ_REGISTERS : -1;
        if (max < 0) {
            throw new IllegalArgumentException("function " + function + " is not a read");
        }
        checkRange(address, quantity, max);
        return new byte[] {(byte) function, (byte) (address >> 8), (byte) address, (byte) (quantity >> 8), (byte) quantity};
    }

    /** FC 5. */
    public static byte[] writeSingleCoil(int address, boolean on) {
        checkRange(address, 1, 1);
        return new byte[] {FunctionCode.WRITE_SINGLE_COIL, (byte) (address >> 8), (byte) address, (byte) (on ? 0xFF : 0), 0};
    }

    /** FC 6. */
    public static byte[] writeSingleRegister(int address, int value) {
        checkRange(address, 1, 1);
        return new byte[] {FunctionCode.WRITE_SINGLE_REGISTER, (byte) (address >> 8), (byte) address, (byte) (value >> 8), (byte) value};
    }

    /** FC 15. */
    public static byte[] writeMultipleCoils(int address, boolean[] values) {
        checkRange(address, values.length, FunctionCode.MAX_WRITE_BITS);
        int n = (values.length + 7) / 8;
        byte[] pdu = new byte[6 + n];
        pdu[0] = FunctionCode.WRITE_MULTIPLE_COILS;
        pdu[1] = (byte) (address >> 8);
        pdu[2] = (byte) address;
        pdu[3] = (byte) (values.length >> 8);
        pdu[4] = (byte) values.length;
        pdu[5] = (byte) n;
        for (int i = 0; i < values.length; i++) {
            if (values[i]) {
                pdu[6 + i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return pdu;
    }

    /** FC 16. */
    public static byte[] writeMultipleRegisters(int address, int[] values) {
        checkRange(address, values.length, FunctionCode.MAX_WRITE_REGISTERS);
        byte[] pdu = new byte[6 + 2 * values.length];
        pdu[0] = FunctionCode.WRITE_MULTIPLE_REGISTERS;
        pdu[1] = (byte) (address >> 8);
        pdu[2] = (byte) address;
        pdu[3] = (byte) (values.length >> 8);
        pdu[4] = (byte) values.length;
        pdu[5] = (byte) (2 * values.length);
        for (int i = 0; i < values.length; i++) {
            pdu[6 + 2 * i] = (byte) (values[i] >> 8);
            pdu[7 + 2 * i] = (byte) values[i];
        }
        return pdu;
    }

    /** An exception response for {@code function}. */
    public static byte[] exception(int function, int code) {
        return new byte[] {(byte) (function | EXCEPTION_FLAG), (byte) code};
    }

    /**
     * Checks that {@code response} answers {@code request}: same function, no exception, sizes and echoes right.
     *
     * @throws FrameException an exception response ({@link FrameException.Kind#EXCEPTION_RESPONSE}) or a malformed one
     */
    public static void check(byte[] request, byte[] response) throws FrameException {
        if (response.length == 0) {
            throw FrameException.malformed("empty response PDU");
        }
        int fc = request[0] & 0xFF;
        int rfc = response[0] & 0xFF;
        if (rfc == (fc | EXCEPTION_FLAG)) {
            if (response.length != 2) {
                throw FrameException.malformed("exception response of " + response.length + " bytes, expected 2");
            }
            int code = response[1] & 0xFF;
            throw new FrameException(FrameException.Kind.EXCEPTION_RESPONSE, code, ExceptionCode.describe(code));
        }
        if (rfc != fc) {
            throw FrameException.malformed("response function " + rfc + " to a function " + fc + " request");
        }
        switch (fc) {
            case 1, 2, 3, 4 -> {
                int qty = u16(request, 3);
                int expected = FunctionCode.isBitRead(fc) ? (qty + 7) / 8 : 2 * qty;
                if (response.length < 2) {
                    throw FrameException.malformed("response without byte count");
                }
                int count = response[1] & 0xFF;
                if (count != expected) {
                    throw FrameException.malformed("byte count " + count + ", expected " + expected + " for " + qty + " items");
                }
                if (response.length != 2 + count) {
                    throw FrameException.malformed("response of " + response.length + " bytes, byte count says " + (2 + count));
                }
            }
            case 5, 6 -> {
                if (response.length != 5 || !same(request, response, 5)) {
                    throw FrameException.malformed("write response does not echo the request");
                }
            }
            case 15, 16 -> {
                if (response.length != 5 || !same(request, response, 5)) {
                    throw FrameException.malformed("write response does not echo address and quantity");
                }
            }
            default -> throw FrameException.malformed("unsupported function " + fc);
        }
    }

    /** Register values (0–65535) of a checked FC 3/4 response. */
    public static int[] registers(byte[] response) {
        int n = (response[1] & 0xFF) / 2;
        int[] regs = new int[n];
        for (int i = 0; i < n; i++) {
            regs[i] = u16(response, 2 + 2 * i);
        }
        return regs;
    }

    /** The first {@code quantity} bits of a checked FC 1/2 response. */
    public static boolean[] bits(byte[] response, int quantity) {
        boolean[] bits = new boolean[quantity];
        for (int i = 0; i < quantity; i++) {
            bits[i] = (response[2 + i / 8] & (1 << (i % 8))) != 0;
        }
        return bits;
    }

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static boolean same(byte[] a, byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static void checkRange(int address, int quantity, int max) {
        if (address < 0 || address > 0xFFFF) {
            throw new IllegalArgumentException("address " + address + " out of range 0-65535");
        }
        if (quantity < 1 || quantity > max) {
            throw new IllegalArgumentException("quantity " + quantity + " out of range 1-" + max);
        }
        if (address + quantity > 0x10000) {
            throw new IllegalArgumentException("address " + address + " + quantity " + quantity + " runs past 65535");
        }
    }
}
