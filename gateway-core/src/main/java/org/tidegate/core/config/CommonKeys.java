package org.tidegate.core.config;

import java.util.ArrayList;
import java.util.List;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Endian;

/** Channel keys that several drivers share ({@code type}, {@code access}, byte and word order), read one way. */
public final class CommonKeys {
    private static final List<String> TYPES = typeNames();

    private CommonKeys() {
    }

    /** {@code type}: a {@link DataType} name; {@code fallback} when absent (null fallback = required). */
    public static DataType dataType(ConfigNode channel, DataType fallback) {
        ConfigNode n = channel.child("type");
        if (!n.present()) {
            if (fallback == null) {
                n.error("is required (" + String.join(", ", TYPES) + ")");
                return DataType.UINT16;
            }
            return fallback;
        }
        String text = channel.string("type", false, "");
        DataType t = DataType.parse(text);
        if (t == null) {
            String hint = ConfigNode.closest(text, TYPES);
            n.error("\"" + text + "\" is not a data type" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)")
                    + "; data types: " + String.join(", ", TYPES));
            return fallback == null ? DataType.UINT16 : fallback;
        }
        return t;
    }

    /** {@code access}: read, write or readwrite; null when absent (the driver picks the default). */
    public static Access access(ConfigNode channel) {
        ConfigNode n = channel.child("access");
        if (!n.present()) {
            return null;
        }
        String text = channel.string("access", false, "read");
        Access a = Access.parse(text);
        if (a == null) {
            String hint = ConfigNode.closest(text, List.of("read", "write", "readwrite"));
            n.error("must be read, write or readwrite" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)"));
        }
        return a;
    }

    /** A register map's layout name (ABCD, CDAB, BADC, DCBA) said as the two keys (docs/configuration.md's table). */
    private static String layoutHint(String v) {
        String both = switch (v.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "ABCD" -> "\"byteOrder\": \"big\", \"wordOrder\": \"big\"";
            case "CDAB" -> "\"byteOrder\": \"big\", \"wordOrder\": \"little\"";
            case "BADC" -> "\"byteOrder\": \"little\", \"wordOrder\": \"big\"";
            case "DCBA" -> "\"byteOrder\": \"little\", \"wordOrder\": \"little\"";
            default -> null;
        };
        return both == null ? "" : "; hint: " + v.trim().toUpperCase(java.util.Locale.ROOT) + " is " + both;
    }

    /** {@code byteOrder} / {@code wordOrder}: big (default) or little. */
    public static Endian endian(ConfigNode channel, String key) {
        String v = channel.string(key, false, "big");
        Endian e = Endian.parse(v);
        if (e == null) {
            channel.child(key).error("\"" + v + "\" must be big or little" + layoutHint(v));
            return Endian.BIG;
        }
        return e;
    }

    private static List<String> typeNames() {
        List<String> out = new ArrayList<>();
        for (DataType t : DataType.values()) {
            out.add(t.configName());
        }
        return List.copyOf(out);
    }
}
