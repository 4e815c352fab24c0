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
 * @param damage            what damaged files cost since the queue was opened (salvaged, lost, ranges)
 * @param disk              the full-disk state and what it cost since the queue was opened ({@link Disk})
 */
public record QueueStats(long[] depthByPriority, long messages, long bytes, long inFlight, long oldestAgeMillis,
                         long appended, long delivered, long redelivered, Map<String, Long> evicted,
                         long heldInMemory, boolean storageAvailable, String storageError, Damage damage, Disk disk) {

    public QueueStats {
        depthByPriority = depthByPriority.clone();
        evicted = Collections.unmodifiableMap(new LinkedHashMap<>(evicted));
        storageError = storageError == null ? "" : storageError;
        damage = damage == null ? Damage.NONE : damage;
        disk = disk == null ? Disk.NONE : disk;
    }

    /** Without full-disk information (not full, nothing refused). */
    public QueueStats(long[] depthByPriority, long messages, long bytes, long inFlight, long oldestAgeMillis,
                      long appended, long delivered, long redelivered, Map<String, Long> evicted,
                      long heldInMemory, boolean storageAvailable, String storageError, Damage damage) {
        this(depthByPriority, messages, bytes, inFlight, oldestAgeMillis, appended, delivered, redelivered, evicted,
                heldInMemory, storageAvailable, storageError, damage, Disk.NONE);
    }

    /** Without damage information (the 1.0 constructor). */
    public QueueStats(long[] depthByPriority, long messages, long bytes, long inFlight, long oldestAgeMillis,
                      long appended, long delivered, long redelivered, Map<String, Long> evicted,
                      long heldInMemory, boolean storageAvailable, String storageError) {
        this(depthByPriority, messages, bytes, inFlight, oldestAgeMillis, appended, delivered, redelivered, evicted,
                heldInMemory, storageAvailable, storageError, Damage.NONE, Disk.NONE);
    }

    /**
     * What damaged files cost since the queue was opened (docs/store-forward.md, "Damaged files").
     *
     * @param salvaged     messages read out of corrupt database files into the fresh one
     * @param lost         messages of corrupt files that could not be read
     * @param lostAtLeast  true if {@code lost} is a lower bound (the file did not tell how many it held)
     * @param movedAside   file name of the last corrupt file moved aside, or empty
     * @param mayBeLost    ids and sequence numbers committed but missing after an open (an unreadable WAL tail
     *                     or a lost file), or {@link Range#NONE}
     */
    public record Damage(long salvaged, long lost, boolean lostAtLeast, String movedAside, Range mayBeLost) {
        public static final Damage NONE = new Damage(0, 0, false, "", Range.NONE);

        public Damage {
            movedAside = movedAside == null ? "" : movedAside;
            mayBeLost = mayBeLost == null ? Range.NONE : mayBeLost;
        }

        public boolean isNone() {
            return salvaged == 0 && lost == 0 && !lostAtLeast && movedAside.isEmpty() && mayBeLost.isNone();
        }
    }

    /**
     * Queue ids {@code fromId … toId} and envelope sequence numbers {@code fromSequence … toSequence} (inclusive)
     * that had been committed and were missing when the database was opened; a range is empty (0, 0) when unknown.
     */
    public record Range(long fromId, long toId, long fromSequence, long toSequence) {
        public static final Range NONE = new Range(0, 0, 0, 0);

        public boolean isNone() {
            return toId == 0 && toSequence == 0;
        }
    }

    /**
     * The full-disk state (docs/store-forward.md, "A full disk").
     *
     * @param full      true while the store's disk is full: routine appends are refused, alarms kept
     * @param since     when the current full-disk episode began (epoch ms), 0 when not full
     * @param millis    time spent with a full disk since the queue was opened, the current episode included
     * @param refused   routine appends refused since the queue was opened because the database could not take
     *                  them (disk full or unavailable; the same count as {@code evicted["storage-unavailable"]})
     */
    public record Disk(boolean full, long since, long millis, long refused) {
        public static final Disk NONE = new Disk(false, 0, 0, 0);
    }

    public boolean diskFull() {
        return disk.full();
    }

    public long diskFullSince() {
        return disk.since();
    }

    public long diskFullMillis() {
        return disk.millis();
    }

    public long refusedAppends() {
        return disk.refused();
    }

    public long salvaged() {
        return damage.salvaged();
    }

    public long lost() {
        return damage.lost();
    }

    public String movedAside() {
        return damage.movedAside();
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
