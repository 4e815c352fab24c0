package org.tidegate.pipeline;

import java.util.Objects;

/**
 * @param gatewayId        the {@code gateway} field of every body
 * @param batchPolls       polls per telemetry message per device (1 = one message per poll)
 * @param routineQueue     telemetry and status messages waiting for the pipeline thread; beyond this the
 *                         newest is dropped and counted (alarms and action events are never dropped)
 * @param statusIntervalMs period of status messages; 0 = none
 * @param actionRetryMs    first retry delay of a failed local action (doubles up to 60 s while still wanted)
 */
public record PipelineSettings(String gatewayId, int batchPolls, int routineQueue, long statusIntervalMs,
                               long actionRetryMs) {
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
    }

    public static PipelineSettings defaults(String gatewayId) {
        return new PipelineSettings(gatewayId, 1, 10_000, 60_000, 5_000);
    }

    public PipelineSettings withBatchPolls(int n) {
        return new PipelineSettings(gatewayId, n, routineQueue, statusIntervalMs, actionRetryMs);
    }

    public PipelineSettings withStatusIntervalMs(long ms) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, ms, actionRetryMs);
    }

    public PipelineSettings withActionRetryMs(long ms) {
        return new PipelineSettings(gatewayId, batchPolls, routineQueue, statusIntervalMs, ms);
    }

    public PipelineSettings withRoutineQueue(int n) {
        return new PipelineSettings(gatewayId, batchPolls, n, statusIntervalMs, actionRetryMs);
    }
}
