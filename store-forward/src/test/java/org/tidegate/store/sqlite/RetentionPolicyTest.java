package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.store.sqlite.QueueTesting.bytes;
import static org.tidegate.store.sqlite.QueueTesting.options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueDatabase.Row;
import org.tidegate.store.sqlite.RetentionPolicy.Eviction;

/** Eviction and purge on a real database, with the in-flight bookkeeping and held alarms they consult. */
class RetentionPolicyTest {
    static final long NOW = System.currentTimeMillis();
    static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void overCapacityEvictsLowestPriorityOldestFirstAndSparesInFlight() throws Exception {
        QueueOptions options = options(dir).withMaxMessages(3);
        try (QueueDatabase db = QueueDatabase.open(options.path(), Synchronous.FULL)) {
            List<Row> rows = insert(db, new int[] {0, 0, 5, 9, 0, 9}, NOW);
            Backlog backlog = opened(db);
            // The oldest priority-0 row is in flight.
            handOut(backlog, rows.get(0));
            RetentionPolicy policy = new RetentionPolicy(options);
            List<Eviction> evicted = new ArrayList<>();
            db.transaction(false, () -> evicted.addAll(policy.evictForCapacity(db, backlog, backlog.messages(),
                    backlog.bytes())));
            assertEquals(List.of(rows.get(1), rows.get(4), rows.get(2)), evicted.stream().map(Eviction::row).toList());
            assertTrue(evicted.stream().allMatch(e -> e.reason() == EvictionReason.CAPACITY_COUNT));
        }
    }

    @Test
    void overBytesCountsAsCapacityBytesAndTakesAsFewAsNeeded() throws Exception {
        try (QueueDatabase db = QueueDatabase.open(dir.resolve("queue.db"), Synchronous.FULL)) {
            List<Row> rows = insert(db, new int[] {4, 4, 4}, NOW);
            Backlog backlog = opened(db);
            long oneRow = rows.get(0).size();
            QueueOptions options = options(dir).withMaxBytes(backlog.bytes() - oneRow / 2);
            RetentionPolicy policy = new RetentionPolicy(options);
            List<Eviction> evicted = new ArrayList<>();
            db.transaction(false, () -> evicted.addAll(policy.evictForCapacity(db, backlog, backlog.messages(),
                    backlog.bytes())));
            assertEquals(List.of(new Eviction(rows.get(0), EvictionReason.CAPACITY_BYTES)), evicted);
        }
    }

    @Test
    void withinBoundsNothingIsEvicted() throws Exception {
        try (QueueDatabase db = QueueDatabase.open(dir.resolve("queue.db"), Synchronous.FULL)) {
            insert(db, new int[] {0, 1, 2}, NOW);
            Backlog backlog = opened(db);
            RetentionPolicy policy = new RetentionPolicy(options(dir).withMaxMessages(3));
            db.transaction(false, () -> assertTrue(policy.evictForCapacity(db, backlog, 3, backlog.bytes()).isEmpty()));
        }
    }

    @Test
    void purgeDeletesExpiredRowsAndHeldAlarmsButNotInFlightOnesThenWaitsAMinute() throws Exception {
        QueueOptions options = options(dir).withMaxAge(Duration.ofDays(1));
        try (QueueDatabase db = QueueDatabase.open(options.path(), Synchronous.FULL)) {
            List<Row> old = insert(db, new int[] {9, 3, 3}, NOW - 2 * DAY);
            List<Row> fresh = insert(db, new int[] {3}, NOW);
            Backlog backlog = opened(db);
            handOut(backlog, old.get(1));
            HeldAlarms alarms = new HeldAlarms(10);
            QueueCounters counters = new QueueCounters();
            alarms.hold("a", 9, 1, NOW - 2 * DAY, bytes("old alarm"), counters);
            alarms.hold("a", 9, 2, NOW, bytes("new alarm"), counters);
            RetentionPolicy policy = new RetentionPolicy(options);
            assertTrue(policy.purgeDue(NOW), "the first write after opening purges");
            List<Eviction> evicted = new ArrayList<>();
            db.transaction(false, () -> evicted.addAll(policy.purgeExpired(db, backlog, alarms, counters)));
            assertEquals(List.of(old.get(0), old.get(2)), evicted.stream().map(Eviction::row).toList());
            assertTrue(evicted.stream().allMatch(e -> e.reason() == EvictionReason.MAX_AGE));
            assertEquals(1, alarms.size());
            assertEquals(1, counters.evictedByReason().get(EvictionReason.MAX_AGE.key()), "held alarms counted at once");
            assertEquals(List.of(old.get(1).id(), fresh.get(0).id()), db.idsAfter(3, 0, 10));
            assertFalse(policy.purgeDue(System.currentTimeMillis()));
            db.transaction(false, () -> assertTrue(policy.purgeExpired(db, backlog, alarms, counters).isEmpty()));
        }
    }

    @Test
    void noMaxAgeNeverPurges() throws Exception {
        QueueOptions options = options(dir).withMaxAge(Duration.ZERO);
        try (QueueDatabase db = QueueDatabase.open(options.path(), Synchronous.FULL)) {
            insert(db, new int[] {3}, 0);
            Backlog backlog = opened(db);
            RetentionPolicy policy = new RetentionPolicy(options);
            assertFalse(policy.purgeDue(NOW));
            db.transaction(false, () -> assertTrue(
                    policy.purgeExpired(db, backlog, new HeldAlarms(1), new QueueCounters()).isEmpty()));
        }
    }

    private static List<Row> insert(QueueDatabase db, int[] priorities, long createdAt) throws Exception {
        List<Row> rows = new ArrayList<>();
        db.transaction(false, () -> {
            for (int i = 0; i < priorities.length; i++) {
                rows.add(db.insert("t", priorities[i], i, createdAt + i, 0, bytes("payload " + i)));
            }
        });
        return rows;
    }

    /** A backlog as the writer has it right after opening this database. */
    private static Backlog opened(QueueDatabase db) throws Exception {
        // Counted from the rows: the counts at open describe the file before the test inserted anything.
        Backlog backlog = new Backlog();
        long[] depth = new long[QueueDatabase.PRIORITIES];
        long bytes = 0;
        for (int p = 0; p < QueueDatabase.PRIORITIES; p++) {
            for (StoredMessage m : db.readAfter(p, 0, Integer.MAX_VALUE)) {
                depth[p]++;
                bytes += QueueDatabase.topicBytes(m.topic()) + m.payload().length;
            }
        }
        backlog.opened(depth, bytes);
        return backlog;
    }

    /** Marks one row in flight the way a take does: the cursor of its priority moves to it. */
    private static void handOut(Backlog backlog, Row row) {
        long[] cursors = backlog.cursors();
        cursors[row.priority()] = row.id();
        backlog.handedOut(List.of(new StoredMessage(row.id(), "t", row.priority(), 0, 0, 1, bytes("x"))), cursors);
    }
}
