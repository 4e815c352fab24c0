package org.tidegate.pipeline.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionSchema;

/** The {@code telemetry} section of gateway.json: batching, status reports and the hand-off to the outbox. */
public final class TelemetrySection implements SectionSchema {
    @Override
    public String name() {
        return "telemetry";
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchPolls", s.integer("batchPolls", 1, 3600, 1, false));
        // The sealer deflates: the security section's schema (bundles/crypto) reads and checks this key.
        s.known("deflateMinBytes");
        out.put("statusIntervalSeconds", s.integer("statusIntervalSeconds", 0, 86_400, 300, false));
        out.put("handOffCapacity", s.integer("handOffCapacity", 1, 1_000_000, 10_000, false));
        out.put("actionRetryMs", s.integer("actionRetryMs", 1, 600_000, 5000, false));
        return out;
    }

}
