package org.tidegate.config.internal;

import java.util.ArrayList;
import java.util.List;

/** Every gateway.json section key the validator knows, for the documentation check. */
public final class SchemaKeys {
    private SchemaKeys() {
    }

    public static List<String> all() {
        List<String> keys = new ArrayList<>();
        SectionSchema.SECTIONS.values().forEach(fields -> fields.forEach(f -> keys.add(f.key())));
        return keys;
    }
}
