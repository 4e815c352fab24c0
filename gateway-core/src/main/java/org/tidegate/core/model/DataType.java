package org.tidegate.core.model;

import java.util.Locale;

/**
 * How a channel's raw device data is decoded into a value. Register counts are for Modbus
 * (16-bit registers); other protocols use {@link #BOOL} and the numeric types as they fit.
 */
public enum DataType {
    BOOL(1), INT16(1), UINT16(1), INT32(2), UINT32(2), INT64(4), FLOAT32(2), FLOAT64(4),
    /** Characters packed two per register; the channel's {@code length} gives the number of registers. */
    STRING(0);

    private final int registers;

    DataType(int registers) {
        this.registers = registers;
    }

    /** Registers occupied by one value; 0 for {@link #STRING}, whose size comes from the channel. */
    public int registers() {
        return registers;
    }

    public boolean isNumeric() {
        return this != BOOL && this != STRING;
    }

    /** Parses the configuration spelling ({@code float32}, {@code uint16}, ...); null if unknown. */
    public static DataType parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
