package org.tidegate.pipeline.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionProperties;
import org.tidegate.core.config.SectionSchema;
import org.tidegate.pipeline.PipelineSettings;

/**
 * The {@code telemetry} section of gateway.json: batching, status reports and the hand-off to the outbox.
 *
 * <p>The one place that knows the section's keys, limits and defaults: the component's MetaType annotation,
 * {@link PipelineSettings#defaults} and docs/configuration.md refer to the constants here (a test in
 * {@code config} compares the documented defaults with {@link #properties}). The component decodes its
 * ConfigAdmin properties with {@link #read}, so a configuration put straight into ConfigAdmin gets the same
 * checks as gateway.json. {@code deflateMinBytes} is in this section but belongs to the sealer: the security
 * section's schema (bundles/crypto) reads and checks it.
 */
public final class TelemetrySection implements SectionSchema {
    public static final String NAME = "telemetry";
    public static final String PID = "org.tidegate.telemetry";

    /** {@code batchPolls}: polls of one device per telemetry message. */
    public static final int DEFAULT_BATCH_POLLS = 1;
    public static final int MIN_BATCH_POLLS = 1;
    public static final int MAX_BATCH_POLLS = 3600;
    /** {@code maxSamplesPerMessage}: a telemetry message goes out once it holds this many samples. */
    public static final int DEFAULT_MAX_SAMPLES_PER_MESSAGE = 10_000;
    public static final int MIN_MAX_SAMPLES_PER_MESSAGE = 1;
    public static final int MAX_MAX_SAMPLES_PER_MESSAGE = 100_000;
    /** {@code body}: the telemetry body's form, {@code json} or {@code compact} (docs/envelope.md). */
    public static final String BODY_JSON = "json";
    public static final String BODY_COMPACT = "compact";
    public static final String DEFAULT_BODY = BODY_JSON;
    /** {@code statusIntervalSeconds}: period of the status message; 0 = none. */
    public static final long DEFAULT_STATUS_INTERVAL_SECONDS = 300;
    public static final long MIN_STATUS_INTERVAL_SECONDS = 0;
    public static final long MAX_STATUS_INTERVAL_SECONDS = 86_400;
    /** {@code handOffCapacity}: routine messages waiting for the pipeline thread before new ones are dropped. */
    public static final int DEFAULT_HAND_OFF_CAPACITY = 10_000;
    public static final int MIN_HAND_OFF_CAPACITY = 1;
    public static final int MAX_HAND_OFF_CAPACITY = 1_000_000;
    /** {@code handOffSamples}: samples in telemetry waiting for the pipeline thread before new telemetry is dropped. */
    public static final int DEFAULT_HAND_OFF_SAMPLES = 200_000;
    public static final int MIN_HAND_OFF_SAMPLES = 1_000;
    public static final int MAX_HAND_OFF_SAMPLES = 10_000_000;
    /** {@code actionRetryMs}: first retry delay of a failed local action (the pipeline doubles it up to 60 s). */
    public static final long DEFAULT_ACTION_RETRY_MS = 5000;
    public static final long MIN_ACTION_RETRY_MS = 1;
    public static final long MAX_ACTION_RETRY_MS = 600_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String pid() {
        return PID;
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        PipelineSettings c = settings(s, home);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchPolls", (long) c.batchPolls());
        out.put("statusIntervalSeconds", c.statusIntervalMs() / 1000);
        out.put("handOffCapacity", (long) c.routineQueue());
        out.put("actionRetryMs", c.actionRetryMs());
        out.put("maxSamplesPerMessage", (long) c.maxSamplesPerMessage());
        out.put("body", c.compactBody() ? BODY_COMPACT : BODY_JSON);
        out.put("handOffSamples", (long) c.handOffSamples());
        return out;
    }

    /**
     * The component's ConfigAdmin properties (as {@link #properties} made them, or as anyone put them into
     * ConfigAdmin; {@code gatewayId} required) as the pipeline's settings. {@code deflateMinBytes} is accepted
     * and left to the sealer.
     *
     * @throws IllegalArgumentException listing every problem (out of range, wrong kind, unknown key)
     */
    public static PipelineSettings read(Map<String, ?> properties) {
        return SectionProperties.read(PID, properties, true, TelemetrySection::settings);
    }

    /** Reads and checks the section; problems are recorded on {@code s} (the result is then a placeholder). */
    static PipelineSettings settings(ConfigNode s, HomeInfo home) {
        int batchPolls = (int) s.integer("batchPolls", MIN_BATCH_POLLS, MAX_BATCH_POLLS, DEFAULT_BATCH_POLLS, false);
        // The sealer deflates: the security section's schema (bundles/crypto) reads and checks this key.
        s.known("deflateMinBytes");
        long statusSeconds = s.integer("statusIntervalSeconds", MIN_STATUS_INTERVAL_SECONDS,
                MAX_STATUS_INTERVAL_SECONDS, DEFAULT_STATUS_INTERVAL_SECONDS, false);
        int handOff = (int) s.integer("handOffCapacity", MIN_HAND_OFF_CAPACITY, MAX_HAND_OFF_CAPACITY,
                DEFAULT_HAND_OFF_CAPACITY, false);
        long actionRetryMs = s.integer("actionRetryMs", MIN_ACTION_RETRY_MS, MAX_ACTION_RETRY_MS,
                DEFAULT_ACTION_RETRY_MS, false);
        int maxSamples = (int) s.integer("maxSamplesPerMessage", MIN_MAX_SAMPLES_PER_MESSAGE,
                MAX_MAX_SAMPLES_PER_MESSAGE, DEFAULT_MAX_SAMPLES_PER_MESSAGE, false);
        String body = s.choice("body", List.of(BODY_JSON, BODY_COMPACT), DEFAULT_BODY);
        int handOffSamples = (int) s.integer("handOffSamples", MIN_HAND_OFF_SAMPLES, MAX_HAND_OFF_SAMPLES,
                DEFAULT_HAND_OFF_SAMPLES, false);
        return new PipelineSettings(home.gatewayId(), batchPolls, handOff, statusSeconds * 1000, actionRetryMs,
                maxSamples, BODY_COMPACT.equals(body), handOffSamples);
    }
}
