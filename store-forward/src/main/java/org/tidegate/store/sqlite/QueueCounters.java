package org.tidegate.store.sqlite;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.QueueStats;
import org.tinylog.Logger;

/**
 * The counters of {@link QueueStats} that count since the queue was opened (appended, delivered,
 * redelivered, evicted by reason, and commits for the benchmark), and the periodic log line that reports
 * them. Written by the writer thread only; {@link #commits()} is read by other threads.
 */
final class QueueCounters {
    private static final long LOG_INTERVAL_MS = 600_000;

    private long appended;
    private long delivered;
    private long redelivered;
    private long refused;
    private final long[] evicted = new long[EvictionReason.values().length];
    private volatile long commits;
    private long salvaged;
    private long lost;
    private boolean lostAtLeast;
    private String movedAside = "";
    private QueueStats.Range mayBeLost = QueueStats.Range.NONE;
    private volatile long checkpoints;
    private long nextLogAt = System.currentTimeMillis() + LOG_INTERVAL_MS;
    private long lastLoggedActivity;

    void countAppended(long n) {
        appended += n;
    }

    void countDelivered() {
        delivered++;
    }

    void countRedelivered(long n) {
        redelivered += n;
    }

    /** A routine append the database could not take (also counted as evicted {@code storage-unavailable}). */
    void countRefused() {
        refused++;
        evicted[EvictionReason.STORAGE_UNAVAILABLE.ordinal()]++;
    }

    long refused() {
        return refused;
    }

    void countEvicted(EvictionReason reason, long n) {
        evicted[reason.ordinal()] += n;
    }

    void countCommit() {
        commits++;
    }

    /** A corrupt file was salvaged and moved aside: its lost messages also count as {@code corrupt-file}. */
    void countSalvage(Salvage.Report r) {
        salvaged += r.salvaged();
        lost += r.lost();
        lostAtLeast |= !r.lostExact();
        if (r.movedAside() != null) {
            movedAside = r.movedAside().getFileName().toString();
        }
        countEvicted(EvictionReason.CORRUPT_FILE, r.lost());
    }

    /** Committed ids were missing at an open (the latest such range; they may be lost). */
    void countMayBeLost(QueueStats.Range r) {
        mayBeLost = r;
    }

    QueueStats.Damage damage() {
        return new QueueStats.Damage(salvaged, lost, lostAtLeast, movedAside, mayBeLost);
    }

    long appended() {
        return appended;
    }

    long delivered() {
        return delivered;
    }

    long redelivered() {
        return redelivered;
    }

    /** Explicit WAL checkpoints by the writer (not SQLite's own auto-checkpoints). */
    void countCheckpoint() {
        checkpoints++;
    }

    long checkpoints() {
        return checkpoints;
    }

    long commits() {
        return commits;
    }

    /** Every reason present, in declaration order, as {@link QueueStats#evicted()} promises. */
    Map<String, Long> evictedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (EvictionReason r : EvictionReason.values()) {
            m.put(r.key(), evicted[r.ordinal()]);
        }
        return m;
    }

    /** What {@code stats()} answers once the queue is closed: the counters, nothing queued. */
    QueueStats whenClosed() {
        return new QueueStats(new long[QueueDatabase.PRIORITIES], 0, 0, 0, 0, appended, delivered, redelivered,
                evictedByReason(), 0, false, "queue closed", damage(), new QueueStats.Disk(false, 0, 0, refused));
    }

    /**
     * Every {@value #LOG_INTERVAL_MS} ms, if any counter moved: one log line. An idle gateway stays quiet
     * rather than repeating the same line all night.
     */
    void logIfDue(Supplier<QueueStats> snapshot) {
        long now = System.currentTimeMillis();
        if (now < nextLogAt) {
            return;
        }
        nextLogAt = now + LOG_INTERVAL_MS;
        long activity = appended + delivered + redelivered;
        for (long e : evicted) {
            activity += e;
        }
        if (activity == lastLoggedActivity) {
            return;
        }
        lastLoggedActivity = activity;
        QueueStats s = snapshot.get();
        Logger.info("store: depth={} byPriority={} bytes={} inFlight={} oldestAgeMs={} appended={} delivered={}"
                        + " redelivered={} evicted={} heldInMemory={} storageAvailable={} diskFull={} diskFullMs={}"
                        + " refused={}", s.messages(),
                Arrays.toString(s.depthByPriority()), s.bytes(), s.inFlight(), s.oldestAgeMillis(),
                s.appended(), s.delivered(), s.redelivered(), s.evicted(), s.heldInMemory(), s.storageAvailable(), s.diskFull(),
                s.diskFullMillis(), s.refusedAppends());
    }
}
