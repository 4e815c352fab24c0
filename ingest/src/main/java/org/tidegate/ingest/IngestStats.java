package org.tidegate.ingest;

/**
 * Counters of one ingest process since it started, and its current lag.
 *
 * @param received          messages handed over by the broker (redeliveries included)
 * @param stored            envelopes stored for the first time
 * @param duplicates        accepted envelopes that were already stored (by this or another process)
 * @param refused           messages refused (each with an audit row of its own, or counted in a summary row)
 * @param rows              readings stored
 * @param batches           transactions committed
 * @param failedBatches     transactions that failed and were retried (nothing of them acknowledged)
 * @param acked             PUBACKs sent after a commit
 * @param unacked           messages held without acknowledgement now (at most the Receive Maximum per connection)
 * @param oldestUnackedMillis age of the oldest of them, 0 if none
 * @param connected         subscribed on a live connection
 * @param connects          connections made
 * @param notAudited        of {@code refused}, those over the audit rate limit: counted in a summary row, no row of
 *                          their own ({@link AuditLimits})
 */
public record IngestStats(long received, long stored, long duplicates, long refused, long rows, long batches,
                          long failedBatches, long acked, long unacked, long oldestUnackedMillis, boolean connected,
                          long connects, long notAudited) {
}
