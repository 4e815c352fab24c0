package org.tidegate.pipeline;

import java.util.Objects;
import org.tidegate.pipeline.internal.TelemetrySection;

/**
 * The {@code telemetry} section of gateway.json as the pipeline uses it. The section's schema
 * ({@code org.tidegate.pipeline.internal.TelemetrySection}) makes it from a configuration and holds the defaults
 * and the configuration's limits; the checks here are only what the pipeline cannot work without (tests and
 * benchmarks build settings directly, with finer timings than a configuration may have).
 *
 * @param gatewayId        the {@code gateway} field of every body
 * @param batchPolls       polls per telemetry message per device (1 = one message per poll)
 * @param routineQueue     telemetry and status messages waiting for the pipeline thread; beyond this the
 *                         newest is dropped and counted (alarms and action events are never dropped)
 * @param statusIntervalMs period of status messages; 0 = none
 * @param actionRetryMs    first retry delay of a failed local action (doubles up to 60 s while still wanted)
 * @param maxSamplesPerMessage a telemetry message is sent as soon as it holds this many samples, even before
 *                         {@code batchPolls} polls (bounds the body, and so the MQTT packet)
 * @param compactBody      telemetry bodies in the compact binary form (docs/envelope.md) instead of JSON
 * @param handOffSamples   samples in telemetry messages waiting for the pipeline thread; beyond this new telemetry
 *                         is dropped and counted (bounds the memory the hand-off can take, whatever the batch size)
 */
public record PipelineSettings(String gatewayId, int batchPolls, int routineQueue, long statusIntervalMs,
                               long actionRetryMs, int maxSamplesPerMessage, boolean compactBody,
                               int handOffSamples) {
    /** Settings with the default sample bound and JSON bodies (the form before 1.1). */
    public PipelineSettings(String gatewayId, int batchPolls, int routineQueue, long statusIntervalMs,
                            long actionRetryMs) {
        this(gatewayId, batchPolls, routineQueue, statusIntervalMs, actionRetryMs,
                TelemetrySection.DEFAULT_MAX_SAMPLES_PER_MESSAGE, false, TelemetrySection.DEFAULT_HAND_OFF_SAMPLES);
    }

    public PipelineSettings {
        Objects.requireNonNull(gatewayId, "gatewayId");
        if (batchPolls < 1) {
            throw new IllegalArgumentException("batchPolls must be >= 1, got " + batchPolls);
        }
        if (routineQueue < 1) {
            throw new IllegalArgumentException("routineQueue must be >= 1, got " + routineQueue);
        }
        if (statusIntervalMs < 0 || actionRetryMs < 1) {
            throw new IllegalArgumentException("statusIntervalMs must be >= 0 and actionRetryMs >= 1");
        }
        if (handOffSamples < 1) {
            throw new IllegalArgumentException("handOffSamples must be >= 1, got " + handOffSamples);
        }
        if (maxSamplesPerMessage < 1) {
            throw new IllegalArgumentException("maxSamplesPerMessage must be >= 1, got " + maxSamplesPerMessage);
        }
    }

    /** The gateway.json defaults for this gateway. */
    public static PipelineSettings defaults(String gatewayId) {
        return new PipelineSettings(gatewayId, TelemetrySection.DEFAULT_BATCH_POLLS,
                TelemetrySection.DEFAULT_HAND_OFF_CAPACITY, TelemetrySection.DEFAULT_STATUS_INTERVAL_SECONDS * 1000,
                TelemetrySection.DEFAULT_ACTION_RETRY_MS, TelemetrySection.DEFAULT_MAX_SAMPLES_PER_MESSAGE,
                TelemetrySection.DEFAULT_BODY.equals(TelemetrySection.BODY_COMPACT),
                TelemetrySection.DEFAULT_HAND_OFF_SAMPLES);
    }

    public PipelineSettings withBatchPolls(int n) {
        return new PipelineSettings(gatewayId, n, routineQueue, statusIntervalMs, actionRetryMs, maxSamplesPerMessage, compactBody, handOffSamples);
    }

    public PipelineSettings withStatusIntervalMs(long ms) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, ms, actionRetryMs, maxSamplesPerMessage, compactBody, handOffSamples);
    }

    public PipelineSettings withActionRetryMs(long ms) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, statusIntervalMs, ms, maxSamplesPerMessage, compactBody, handOffSamples);
    }

    public PipelineSettings withRoutineQueue(int n) {
        return new PipelineSettings(gatewayId, batchPolls, n, statusIntervalMs, actionRetryMs, maxSamplesPerMessage, compactBody, handOffSamples);
    }

    public PipelineSettings withMaxSamplesPerMessage(int n) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, statusIntervalMs, actionRetryMs, n, compactBody,
                handOffSamples);
    }

    public PipelineSettings withCompactBody(boolean compact) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, statusIntervalMs, actionRetryMs,
                maxSamplesPerMessage, compact, handOffSamples);
    }

    public PipelineSettings withHandOffSamples(int n) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, statusIntervalMs, actionRetryMs,
                maxSamplesPerMessage, compactBody, n);
    }
}
