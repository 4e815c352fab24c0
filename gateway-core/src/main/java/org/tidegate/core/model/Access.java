package org.tidegate.core.model;

/** Whether the gateway may only read a channel or also write it (relay outputs, setpoints). */
public enum Access {
    READ, READ_WRITE, WRITE;

    public boolean readable() {
        return this != WRITE;
    }

    public boolean writable() {
        return this != READ;
    }

    public static Access parse(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "r", "read" -> READ;
            case "rw", "readwrite", "read-write" -> READ_WRITE;
            case "w", "write" -> WRITE;
            default -> null;
        };
    }
}
