package org.tidegate.core.model;

import java.util.Locale;

/**
 * Order of bytes within a 16-bit register ({@code byteOrder}) or of registers within a multi-register
 * value ({@code wordOrder}). Modbus itself is big-endian; many meters put the low word first.
 */
public enum Endian {
    BIG, LITTLE;

    public static Endian parse(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "big", "msb", "high-first" -> BIG;
            case "little", "lsb", "low-first" -> LITTLE;
            default -> null;
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
