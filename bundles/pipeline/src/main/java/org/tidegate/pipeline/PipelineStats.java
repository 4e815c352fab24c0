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
 * @param keptAtLastShutdown messages the previous shutdown kept in the pending file, handed to the outbox at this
 *                           start
 * @param lostAtLastShutdown messages previous shutdowns could neither hand to the outbox nor keep (telemetry that
 *                           did not fit the pending file), not reported by a stored status message before
 */
public record PipelineStats(long batches, long samplesIn, long samplesReported, long telemetryMessages, long alarms,
                            long actions, long actionFailures, long dropped, long pending, long keptAtLastShutdown,
                            long lostAtLastShutdown) {

    /** The counters as status fields, in this order: the {@code pipeline} section of every status body. */
    public java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("batches", batches);
        p.put("samplesIn", samplesIn);
        p.put("samplesReported", samplesReported);
        p.put("telemetryMessages", telemetryMessages);
        p.put("alarms", alarms);
        p.put("actions", actions);
        p.put("actionFailures", actionFailures);
        p.put("dropped", dropped);
        p.put("pending", pending);
        p.put("keptAtLastShutdown", keptAtLastShutdown);
        p.put("lostAtLastShutdown", lostAtLastShutdown);
        return p;
    }
}
