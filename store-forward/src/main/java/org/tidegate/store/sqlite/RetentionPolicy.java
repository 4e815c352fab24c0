package org.tidegate.store.sqlite;

import static org.tidegate.store.StoreAndForwardQueue.MAX_PRIORITY;
import static org.tidegate.store.StoreAndForwardQueue.MIN_PRIORITY;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.sqlite.QueueDatabase.Row;
import org.tidegate.store.sqlite.QueueDatabase.RowKey;

/**
 * What the queue gives up without an acknowledgement: rows over {@code maxMessages} / {@code maxBytes}
 * (capacity eviction) and rows older than {@code maxAge} (purge). Both run inside the writer's transaction,
 * so an eviction commits, or rolls back, with the appends that caused it. In-flight rows are never
 * touched: the uplink is sending them and decides their fate by acknowledging.
 *
 * <p>The deletes go through the transaction's {@link QueueDatabase}; the writer applies the returned
 * evictions to its accounting only after COMMIT, like every other effect of the transaction.
 */
final class RetentionPolicy {
    /** Purge at most this many rows per transaction, so one purge of a huge backlog cannot stall appends. */
    private static final int PURGE_CHUNK = 10_000;
    private static final long PURGE_INTERVAL_MS = 60_000;
    /** Eviction candidates read per query. */
    private static final int EVICTION_PAGE = 512;

    /** One row deleted without acknowledgement, and why. */
    record Eviction(Row row, EvictionReason reason) {
    }

    private final QueueOptions options;
    /** 0: the first write after opening purges; then once a minute, or at once while chunks are full. */
    private long nextPurgeAt;

    RetentionPolicy(QueueOptions options) {
        this.options = options;
    }

    boolean purgeDue(long now) {
        return options.maxAge().toMillis() > 0 && now >= nextPurgeAt;
    }

    /**
     * Over maxMessages or maxBytes: deletes pending (not in-flight) rows, lowest priority first and oldest
     * first within a priority, so an alarm goes only when no routine data is left. The reason is
     * {@code capacity-count} while the count is over its bound, then {@code capacity-bytes}.
     *
     * @param messages what will be queued once this transaction commits, before eviction
     * @param bytes    the same in topic + payload bytes
     */
    List<Eviction> evictForCapacity(QueueDatabase db, Backlog backlog, long messages, long bytes) throws SQLException {
        List<Eviction> evicted = new ArrayList<>();
        long excessCount = messages - options.maxMessages();
        long excessBytes = bytes - options.maxBytes();
        for (int p = MIN_PRIORITY; p <= MAX_PRIORITY && (excessCount > 0 || excessBytes > 0); p++) {
            long after = backlog.cursor(p); // rows up to the cursor are in flight
            boolean more = true;
            while (more && (excessCount > 0 || excessBytes > 0)) {
                List<Long> ids = db.idsAfter(p, after, EVICTION_PAGE);
                more = ids.size() == EVICTION_PAGE;
                for (long id : ids) {
                    if (excessCount <= 0 && excessBytes <= 0) {
                        break;
                    }
                    after = id;
                    Row gone = db.delete(id);
                    if (gone == null) {
                        continue;
                    }
                    evicted.add(new Eviction(gone, excessCount > 0 ? EvictionReason.CAPACITY_COUNT
                            : EvictionReason.CAPACITY_BYTES));
                    excessCount--;
                    excessBytes -= gone.size();
                }
            }
        }
        return evicted;
    }

    /**
     * If a purge is due: deletes rows created before now - maxAge that are not in flight (at most one chunk),
     * and drops held alarms as old (counted at once: they never were in the database).
     */
    List<Eviction> purgeExpired(QueueDatabase db, Backlog backlog, HeldAlarms alarms, QueueCounters counters)
            throws SQLException {
        long maxAgeMs = options.maxAge().toMillis();
        long now = System.currentTimeMillis();
        if (maxAgeMs <= 0 || now < nextPurgeAt) {
            return List.of();
        }
        long cutoff = now - maxAgeMs;
        List<Eviction> evicted = new ArrayList<>();
        List<RowKey> expired = db.createdBefore(cutoff, PURGE_CHUNK);
        for (RowKey r : expired) {
            if (backlog.handedOut(r.priority(), r.id())) {
                continue; // in flight: the uplink decides its fate
            }
            Row gone = db.delete(r.id());
            if (gone != null) {
                evicted.add(new Eviction(gone, EvictionReason.MAX_AGE));
            }
        }
        counters.countEvicted(EvictionReason.MAX_AGE, alarms.dropCreatedBefore(cutoff));
        // A full chunk means more is waiting: purge again with the next write instead of in a minute.
        nextPurgeAt = expired.size() == PURGE_CHUNK ? now : now + PURGE_INTERVAL_MS;
        return evicted;
    }
}
