package org.tidegate.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of the queue for status messages and logs. Counters ({@code appended}, {@code delivered},
 * {@code redelivered}, {@code evicted}) count since this process opened the queue; depth, bytes and age
 * describe what is queued now (on disk plus alarms held in memory).
 *
 * @param depthByPriority   pending + in-flight messages per priority, index 0 … 9
 * @param messages          total queued messages (sum of depthByPriority)
 * @param bytes             payload + topic bytes queued (what {@code maxBytes} bounds)
 * @param inFlight          handed out by takeBatch and not yet acknowledged or released
 * @param oldestAgeMillis   age of the oldest queued message by its createdAt, 0 if empty
 * @param appended          appends that returned successfully
 * @param delivered         messages acknowledged (deleted)
 * @param redelivered       messages handed out again after a release, a disconnect or a crash
 * @param evicted           dropped without acknowledgement, by {@link EvictionReason#key()}; every reason present
 * @param heldInMemory      alarms kept in memory because the database is unavailable
 * @param storageAvailable  false while the database cannot be written (disk full, unreadable)
 * @param storageError      the last storage error, or empty
 */
public record QueueStats(long[] depthByPriority, long messages, long bytes, long inFlight, long oldestAgeMillis,
                         long appended, long delivered, long redelivered, Map<String, Long> evicted,
                         long heldInMemory, boolean storageAvailable, String storageError) {

    public QueueStats {
        depthByPriority = depthByPriority.clone();
        evicted = Collections.unmodifiableMap(new LinkedHashMap<>(evicted));
        storageError = storageError == null ? "" : storageError;
    }

    @Override
    public long[] depthByPriority() {
        return depthByPriority.clone();
    }

    /** Queued messages of one priority (0 … 9). */
    public long depth(int priority) {
        return depthByPriority[priority];
    }

    public long evicted(EvictionReason reason) {
        return evicted.getOrDefault(reason.key(), 0L);
    }

    public long evictedTotal() {
        return evicted.values().stream().mapToLong(Long::longValue).sum();
    }
}
