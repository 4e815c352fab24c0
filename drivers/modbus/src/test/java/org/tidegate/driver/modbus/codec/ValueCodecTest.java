package org.tidegate.driver.modbus.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Endian;

class ValueCodecTest {
    private static final Endian B = Endian.BIG;
    private static final Endian L = Endian.LITTLE;

    /** 123.456f is 0x42F6E979: ABCD = 42F6 E979, BADC = F642 79E9, CDAB = E979 42F6, DCBA = 79E9 F642. */
    @Test
    void float32InAllFourOrders() {
        check(DataType.FLOAT32, B, B, new int[] {0x42F6, 0xE979}, (double) 123.456f);
        check(DataType.FLOAT32, L, B, new int[] {0xF642, 0x79E9}, (double) 123.456f);
        check(DataType.FLOAT32, B, L, new int[] {0xE979, 0x42F6}, (double) 123.456f);
        check(DataType.FLOAT32, L, L, new int[] {0x79E9, 0xF642}, (double) 123.456f);
    }

    @Test
    void integers() {
        check(DataType.INT16, B, B, new int[] {0xFFFE}, -2L);
        check(DataType.UINT16, B, B, new int[] {0xFFFE}, 65534L);
        check(DataType.INT16, L, B, new int[] {0xFEFF}, -2L);
        check(DataType.INT32, B, B, new int[] {0xFFFF, 0xFFFE}, -2L);
        check(DataType.UINT32, B, B, new int[] {0xFFFF, 0xFFFE}, 4294967294L);
        check(DataType.UINT32, B, L, new int[] {0x5678, 0x1234}, 0x12345678L);
        check(DataType.INT32, L, L, new int[] {0x7856, 0x3412}, 0x12345678L);
        check(DataType.INT64, B, B, new int[] {0x0102, 0x0304, 0x0506, 0x0708}, 0x0102030405060708L);
        check(DataType.INT64, B, L, new int[] {0x0708, 0x0506, 0x0304, 0x0102}, 0x0102030405060708L);
        check(DataType.INT64, L, B, new int[] {0x0201, 0x0403, 0x0605, 0x0807}, 0x0102030405060708L);
        check(DataType.INT64, B, B, new int[] {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, -1L);
    }

    @Test
    void float64() {
        // 1.0 = 3FF0 0000 0000 0000
        check(DataType.FLOAT64, B, B, new int[] {0x3FF0, 0, 0, 0}, 1.0);
        check(DataType.FLOAT64, B, L, new int[] {0, 0, 0, 0x3FF0}, 1.0);
        check(DataType.FLOAT64, L, L, new int[] {0, 0, 0, 0xF03F}, 1.0);
        check(DataType.FLOAT64, L, B, new int[] {0xF03F, 0, 0, 0}, 1.0);
    }

    @Test
    void bitsBoolsAndOffsets() {
        int[] regs = {0, 0b1000_0000_0000_0101};
        assertEquals(true, ValueCodec.decode(new ValueFormat(DataType.BOOL, B, B, 1, 0), regs, 1));
        assertEquals(false, ValueCodec.decode(new ValueFormat(DataType.BOOL, B, B, 1, 1), regs, 1));
        assertEquals(true, ValueCodec.decode(new ValueFormat(DataType.BOOL, B, B, 1, 15), regs, 1));
        assertEquals(false, ValueCodec.decode(ValueFormat.of(DataType.BOOL, B, B), regs, 0));
        assertEquals(true, ValueCodec.decode(ValueFormat.of(DataType.BOOL, B, B), regs, 1));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(ValueFormat.of(DataType.FLOAT32, B, B), regs, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ValueCodec.encode(new ValueFormat(DataType.BOOL, B, B, 1, 3), true));
    }

    @Test
    void strings() {
        ValueFormat f = new ValueFormat(DataType.STRING, B, B, 4, -1);
        int[] regs = {0x5449, 0x4445, 0x3100, 0x0000}; // "TIDE1"
        assertEquals("TIDE1", ValueCodec.decode(f, regs, 0));
        assertArrayEquals(regs, ValueCodec.encode(f, "TIDE1"));
        ValueFormat swapped = new ValueFormat(DataType.STRING, L, B, 2, -1);
        assertEquals("TIDE", ValueCodec.decode(swapped, new int[] {0x4954, 0x4544}, 0));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(swapped, "TOO LONG"));
    }

    @Test
    void encodeRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(ValueFormat.of(DataType.UINT16, B, B), 70000));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(ValueFormat.of(DataType.INT16, B, B), -40000));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(ValueFormat.of(DataType.INT16, B, B), 1.5));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(ValueFormat.of(DataType.INT32, B, B), "x"));
    }

    private static void check(DataType t, Endian byteOrder, Endian wordOrder, int[] regs, Object value) {
        ValueFormat f = ValueFormat.of(t, byteOrder, wordOrder);
        assertEquals(value, ValueCodec.decode(f, regs, 0), t + " " + byteOrder + "/" + wordOrder);
        assertArrayEquals(regs, ValueCodec.encode(f, value), "encode " + t + " " + byteOrder + "/" + wordOrder);
    }
}
