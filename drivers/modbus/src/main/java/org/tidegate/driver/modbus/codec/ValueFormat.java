package org.tidegate.driver.modbus.codec;

import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Endian;

/**
 * How one value sits in registers.
 *
 * @param type      data type
 * @param byteOrder order of the two bytes within each register (Modbus itself is big-endian)
 * @param wordOrder order of registers within a multi-register value
 * @param registers registers occupied (the type's size, or the string length)
 * @param bit       bit within the register for a bit-in-register value, else -1
 */
public record ValueFormat(DataType type, Endian byteOrder, Endian wordOrder, int registers, int bit) {

    public ValueFormat {
        byteOrder = byteOrder == null ? Endian.BIG : byteOrder;
        wordOrder = wordOrder == null ? Endian.BIG : wordOrder;
        if (registers < 1) {
            throw new IllegalArgumentException(type.configName() + " needs at least one register");
        }
        if (bit > 15) {
            throw new IllegalArgumentException("bit " + bit + " out of range 0-15");
        }
    }

    public static ValueFormat of(DataType type, Endian byteOrder, Endian wordOrder) {
        return new ValueFormat(type, byteOrder, wordOrder, Math.max(1, type.registers()), -1);
    }
}
