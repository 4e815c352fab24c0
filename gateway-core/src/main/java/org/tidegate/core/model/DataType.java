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

    /** Smallest raw value of an integer type ({@link Long#MIN_VALUE} for int64; meaningless for the others). */
    public long minRaw() {
        return switch (this) {
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    /** Largest raw value of an integer type. */
    public long maxRaw() {
        return switch (this) {
            case BOOL -> 1;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xFFFF;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xFFFF_FFFFL;
            case INT64 -> Long.MAX_VALUE;
            default -> 0;
        };
    }

    /**
     * Why a raw value (as {@link Channel#toRaw} makes it from a configured value) cannot be written to a channel of
     * this type, or null when it can: what every driver takes, so that {@code validate} refuses an action value the
     * device would refuse at every attempt. A bool takes true or false (or 0/1, "true"/"false"); an integer type a
     * whole number (or a boolean) in its range; a float a finite number; a string a string.
     */
    public String writeProblem(Object raw) {
        switch (this) {
            case BOOL -> {
                boolean ok = raw instanceof Boolean
                        || raw instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)
                        || raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"));
                return ok ? null : "a bool channel takes true or false";
            }
            case STRING -> {
                return raw instanceof String ? null : "a string channel takes a string";
            }
            case FLOAT32, FLOAT64 -> {
                if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    return "a " + configName() + " channel takes a number";
                }
                return this == FLOAT32 && Math.abs(n.doubleValue()) > Float.MAX_VALUE
                        ? "out of the float32 range" : null;
            }
            default -> {
                if (raw instanceof Boolean) {
                    return null;
                }
                if (!(raw instanceof Number n)) {
                    return "a " + configName() + " channel takes a whole number";
                }
                double d = n.doubleValue();
                if (d != Math.rint(d)) {
                    return "a " + configName() + " channel takes a whole number";
                }
                boolean inRange = raw instanceof Long || raw instanceof Integer
                        ? n.longValue() >= minRaw() && n.longValue() <= maxRaw()
                        : d >= minRaw() && d <= maxRaw();
                return inRange ? null : "out of the " + configName() + " range " + minRaw() + ".." + maxRaw();
            }
        }
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
