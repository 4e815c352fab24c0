package org.tidegate.pipeline;

/**
 * Counters since start, for status messages and logs.
 *
 * @param batches           poll batches accepted
 * @param samplesIn         samples in those batches
 * @param samplesReported   samples that passed the deadband into telemetry (plus derived rain totals)
 * @param telemetryMessages telemetry messages submitted
 * @param alarms            alarm transitions (raised and cleared)
 * @param actions           local action writes attempted (retries included)
 * @param actionFailures    local action writes that failed
 * @param dropped           routine messages dropped (hand-off queue full, or no sink would take them)
 * @param pending           messages waiting for the pipeline thread now
 */
public record PipelineStats(long batches, long samplesIn, long samplesReported, long telemetryMessages, long alarms,
                            long actions, long actionFailures, long dropped, long pending) {
}
