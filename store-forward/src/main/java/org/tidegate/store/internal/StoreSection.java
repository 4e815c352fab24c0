package org.tidegate.store.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionSchema;

/** The {@code store} section of gateway.json: where and how much the store-and-forward queue keeps. */
public final class StoreSection implements SectionSchema {

    @Override
    public String name() {
        return "store";
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", home.resolve(s.string("path", false, "data/queue.db")));
        out.put("maxBytes", s.integer("maxBytes", 1L << 20, 1L << 40, 256L << 20, false));
        out.put("maxMessages", s.integer("maxMessages", 100, 1_000_000_000, 1_000_000, false));
        out.put("maxAgeDays", s.integer("maxAgeDays", 1, 3650, 30, false));
        out.put("synchronous", s.choice("synchronous", List.of("full", "normal", "extra"), "full"));
        return out;
    }
}
