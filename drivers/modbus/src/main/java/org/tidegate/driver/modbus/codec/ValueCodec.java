package org.tidegate.driver.modbus.codec;

import java.nio.charset.StandardCharsets;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Endian;

/**
 * Registers to typed values and back. A multi-register value is put into canonical big-endian byte order
 * first: registers reversed when {@code wordOrder} is little, the two bytes of each register swapped when
 * {@code byteOrder} is little. The four combinations are the usual ABCD (big/big), BADC (byte little),
 * CDAB (word little) and DCBA (both little).
 *
 * <p>Decoded values: {@code Long} for integer types, {@code Double} for floats, {@code Boolean} for
 * {@code bool} and bit-in-register, {@code String} for strings (trailing NULs and spaces dropped).
 */
public final class ValueCodec {
    private ValueCodec() {
    }

    /** Decodes the value at {@code regs[off ...]}, registers as 0–65535. */
    public static Object decode(ValueFormat f, int[] regs, int off) {
        if (off < 0 || off + f.registers() > regs.length) {
            throw new IllegalArgumentException("value needs registers " + off + ".." + (off + f.registers() - 1)
                    + " but only " + regs.length + " are there");
        }
        if (f.bit() >= 0) {
            return ((regs[off] >> f.bit()) & 1) != 0;
        }
        byte[] b = canonicalBytes(f, regs, off);
        return switch (f.type()) {
            case BOOL -> (((b[0] & 0xFF) << 8) | (b[1] & 0xFF)) != 0;
            case INT16 -> (long) (short) (((b[0] & 0xFF) << 8) | (b[1] & 0xFF));
            case UINT16 -> (long) (((b[0] & 0xFF) << 8) | (b[1] & 0xFF));
            case INT32 -> (long) (int) be(b, 4);
            case UINT32 -> be(b, 4) & 0xFFFF_FFFFL;
            case INT64 -> be(b, 8);
            case FLOAT32 -> (double) Float.intBitsToFloat((int) be(b, 4));
            case FLOAT64 -> Double.longBitsToDouble(be(b, 8));
            case STRING -> {
                int end = b.length;
                while (end > 0 && (b[end - 1] == 0 || b[end - 1] == ' ')) {
                    end--;
                }
                yield new String(b, 0, end, StandardCharsets.ISO_8859_1);
            }
        };
    }

    /**
     * Encodes a raw value ({@code Number}, {@code Boolean} or {@code String}) into registers.
     *
     * @throws IllegalArgumentException if the value does not fit the type
     */
    public static int[] encode(ValueFormat f, Object value) {
        if (f.bit() >= 0) {
            throw new IllegalArgumentException("a bit-in-register value cannot be written on its own");
        }
        int n = f.registers();
        byte[] b = new byte[2 * n];
        switch (f.type()) {
            case BOOL -> putBe(b, toBool(value) ? 1 : 0, 2);
            case INT16, UINT16 -> putBe(b, range(value, f.type()), 2);
            case INT32, UINT32 -> putBe(b, range(value, f.type()), 4);
            case INT64 -> putBe(b, toLong(value), 8);
            case FLOAT32 -> putBe(b, Float.floatToIntBits((float) toDouble(value)), 4);
            case FLOAT64 -> putBe(b, Double.doubleToLongBits(toDouble(value)), 8);
            case STRING -> {
                byte[] s = value.toString().getBytes(StandardCharsets.ISO_8859_1);
                if (s.length > b.length) {
                    throw new IllegalArgumentException("string of " + s.length + " bytes does not fit " + n + " registers");
                }
                System.arraycopy(s, 0, b, 0, s.length);
            }
        }
        int[] regs = new int[n];
        // Inverse of canonicalBytes: byte swap, then word reversal.
        for (int i = 0; i < n; i++) {
            int hi = b[2 * i] & 0xFF;
            int lo = b[2 * i + 1] & 0xFF;
            int reg = f.byteOrder() == Endian.LITTLE ? (lo << 8) | hi : (hi << 8) | lo;
            regs[f.wordOrder() == Endian.LITTLE ? n - 1 - i : i] = reg;
        }
        return regs;
    }

    private static byte[] canonicalBytes(ValueFormat f, int[] regs, int off) {
        int n = f.registers();
        byte[] b = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            int reg = regs[off + (f.wordOrder() == Endian.LITTLE ? n - 1 - i : i)];
            if (f.byteOrder() == Endian.LITTLE) {
                b[2 * i] = (byte) reg;
                b[2 * i + 1] = (byte) (reg >> 8);
            } else {
                b[2 * i] = (byte) (reg >> 8);
                b[2 * i + 1] = (byte) reg;
            }
        }
        return b;
    }

    private static long be(byte[] b, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    private static void putBe(byte[] b, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
    }

    private static long range(Object value, DataType type) {
        long v = toLong(value);
        if (v < type.minRaw() || v > type.maxRaw()) {
            throw new IllegalArgumentException("value " + value + " out of range " + type.minRaw() + ".." + type.maxRaw());
        }
        return v;
    }

    private static long toLong(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("value " + value + " is not an integer");
            }
            return (long) d;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof Boolean bo) {
            return bo ? 1 : 0;
        }
        throw new IllegalArgumentException("value " + value + " is not a number");
    }

    private static double toDouble(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("value " + value + " is not a number");
    }

    static boolean toBool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("value " + value + " is not a boolean");
    }

    /** Raw value for a coil write: true/false, 1/0. */
    public static boolean coilValue(Object value) {
        return toBool(value);
    }

    /** True if the data type needs this many registers or is a string. */
    public static boolean fits(DataType t, int registers) {
        return t == DataType.STRING ? registers >= 1 : registers == Math.max(1, t.registers());
    }
}
