package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.store.sqlite.QueueTesting.bytes;
import static org.tidegate.store.sqlite.QueueTesting.drain;
import static org.tidegate.store.sqlite.QueueTesting.options;
import static org.tidegate.store.sqlite.QueueTesting.texts;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoredMessage;

class SqliteQueueTest {
    /** A realistic created-at base: max-age (30 days by default) must not purge test data. */
    static final long T = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void handsOutByPriorityThenAgeAndDeletesOnlyOnAcknowledge() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            q.append("t", 4, 1, T + 1000, bytes("a4"));
            q.append("t", 0, 2, T + 1001, bytes("b0"));
            q.append("t", 9, 3, T + 1002, bytes("c9"));
            q.append("t", 4, 4, T + 1003, bytes("d4"));
            q.append("t", 9, 5, T + 1004, bytes("e9"));

            List<StoredMessage> first = q.takeBatch(3);
            assertEquals(List.of("c9", "e9", "a4"), texts(first));
            assertEquals(List.of(3L, 5L, 1L), first.stream().map(StoredMessage::sequence).toList());
            assertTrue(first.stream().allMatch(m -> m.attempts() == 1 && m.topic().equals("t")));
            // In flight: not handed out again.
            assertEquals(List.of("d4", "b0"), texts(q.takeBatch(10)));
            assertTrue(q.takeBatch(10).isEmpty());
            assertEquals(5, q.stats().messages(), "nothing is deleted before acknowledgement");

            q.acknowledge(first.get(0).id());
            q.acknowledge(List.of(first.get(1).id(), first.get(2).id()));
            QueueStats s = q.stats();
            assertEquals(2, s.messages());
            assertEquals(3, s.delivered());
            assertEquals(5, s.appended());
            assertEquals(2, s.inFlight());
        }
    }

    /**
     * The writer names new rows' ids itself (no {@code RETURNING id}); they must be exactly AUTOINCREMENT's:
     * increasing, never given out again after the rows were delivered and the file reopened, and recorded in
     * {@code sqlite_sequence}, which SQLite itself reads on the next open.
     */
    @Test
    void idsAreNeverGivenOutTwiceAcrossDeliveryAndReopen() throws Exception {
        long last;
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            long a = q.append("t", 4, 1, T, bytes("a"));
            long b = q.append("t", 9, 2, T, bytes("b"));
            assertTrue(b > a, "increasing: " + a + ", " + b);
            List<Long> ids = new ArrayList<>();
            for (StoredMessage m : q.takeBatch(10)) {
                ids.add(m.id());
            }
            q.acknowledge(ids);
            assertEquals(0, q.stats().messages(), "delivered: the table is empty");
            last = b;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + options(dir).path());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'message'")) {
            assertTrue(rs.next(), "sqlite_sequence has the message table");
            assertEquals(last, rs.getLong(1), "the explicit ids raised sqlite_sequence");
        }
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            long c = q.append("t", 4, 3, T, bytes("c"));
            assertEquals(last + 1, c, "after the last id ever given out, not after the (empty) table's largest");
            assertEquals(List.of("c"), texts(q.takeBatch(10)));
        }
    }

    @Test
    void alarmSlotsTakeAlarmsOnlyAndTheAlarmCountIsPublishedAfterTheCommit() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            java.util.concurrent.atomic.AtomicLong alarmsSeenByListener = new java.util.concurrent.atomic.AtomicLong(-1);
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            Runnable listener = () -> {
                alarmsSeenByListener.set(q.alarmsPending());
                calls.incrementAndGet();
            };
            q.addPendingListener(listener);
            q.append("t", 4, 1, T + 1000, bytes("a4"));
            assertEquals(0, q.alarmsPending());
            assertEquals(0, alarmsSeenByListener.get(), "told after the telemetry's commit: no alarm");
            q.append("t", 9, 2, T + 1001, bytes("b9"));
            q.append("t", 4, 3, T + 1002, bytes("c4"));
            q.append("t", 9, 4, T + 1003, bytes("d9"));
            assertEquals(2, q.alarmsPending(), "known on return of the append, without asking the writer");
            assertEquals(2, alarmsSeenByListener.get());

            assertEquals(List.of("b9", "d9"), texts(q.takeBatch(8, 9)), "alarm slots get alarms, never the backlog");
            assertEquals(0, q.alarmsPending());
            assertTrue(q.takeBatch(8, 9).isEmpty());
            assertEquals(List.of("a4", "c4"), texts(q.takeBatch(8)));
            assertThrows(IllegalArgumentException.class, () -> q.takeBatch(1, 10));
            q.removePendingListener(listener);
            int before = calls.get();
            q.append("t", 9, 5, T + 1004, bytes("e9"));
            assertEquals(before, calls.get(), "a removed listener is not called");
            assertEquals(1, q.alarmsPending());
            assertEquals(4, q.releaseInFlight());
            assertEquals(3, q.alarmsPending(), "released alarms are pending again");
        }
    }

    @Test
    void restartWithBacklogKeepsOrderIdsAndPayloads() throws Exception {
        List<String> expected = new ArrayList<>();
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            for (int i = 0; i < 300; i++) {
                int p = (i * 7) % 10;
                q.append("gw/telemetry/" + p, p, i, T + i, bytes(p + ":" + i));
            }
            for (int p = 9; p >= 0; p--) {
                for (int i = 0; i < 300; i++) {
                    if ((i * 7) % 10 == p) {
                        expected.add(p + ":" + i);
                    }
                }
            }
        }
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            QueueStats s = q.stats();
            assertEquals(300, s.messages());
            assertEquals(30, s.depth(9));
            assertEquals(300, q.maxSequenceAtOpen() + 1);
            List<StoredMessage> all = q.takeBatch(1000);
            assertEquals(expected, texts(all));
            for (StoredMessage m : all) {
                assertEquals("gw/telemetry/" + m.priority(), m.topic());
                assertEquals(T + m.sequence(), m.createdAt());
            }
        }
    }

    @Test
    void unacknowledgedEntriesAreRedeliveredAfterReleaseAndAfterRestart() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            for (int i = 0; i < 5; i++) {
                q.append("t", 5, i, T + i, bytes("m" + i));
            }
            List<StoredMessage> first = q.takeBatch(3);
            q.acknowledge(first.get(1).id());
            assertEquals(2, q.releaseInFlight());
            List<StoredMessage> again = q.takeBatch(10);
            assertEquals(List.of("m0", "m2", "m3", "m4"), texts(again));
            assertEquals(List.of(2, 2, 1, 1), again.stream().map(StoredMessage::attempts).toList());
            assertEquals(2, q.stats().redelivered());
            // No acknowledgement before the "crash".
        }
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            List<StoredMessage> afterRestart = q.takeBatch(10);
            assertEquals(List.of("m0", "m2", "m3", "m4"), texts(afterRestart));
            assertEquals(List.of(3, 3, 2, 2), afterRestart.stream().map(StoredMessage::attempts).toList());
            assertTrue(afterRestart.stream().allMatch(StoredMessage::redelivery));
            assertEquals(4, q.stats().redelivered());
            q.acknowledge(afterRestart.stream().map(StoredMessage::id).toList());
            assertEquals(0, q.stats().messages());
        }
    }

    @Test
    void lateAcknowledgementAfterReleaseStillDeletes() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            long id = q.append("t", 3, 1, T + 1, bytes("x"));
            q.takeBatch(1);
            q.releaseInFlight();
            q.acknowledge(id);
            assertTrue(q.takeBatch(5).isEmpty());
            assertEquals(0, q.stats().messages());
            q.acknowledge(id); // a duplicate acknowledgement is harmless
            q.acknowledge(987654L); // so is an unknown id
            assertEquals(1, q.stats().delivered());
        }
    }

    @Test
    void capacityByCountEvictsLowestPriorityOldestFirstAndNeverAnAlarmWhileRoutineRemains() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir).withMaxMessages(5))) {
            q.append("t", 9, 1, T + 1, bytes("alarm1"));
            q.append("t", 2, 2, T + 2, bytes("p2-old"));
            q.append("t", 0, 3, T + 3, bytes("p0-old"));
            q.append("t", 0, 4, T + 4, bytes("p0-new"));
            q.append("t", 2, 5, T + 5, bytes("p2-new"));
            q.append("t", 9, 6, T + 6, bytes("alarm2")); // 6 > 5: p0-old goes
            q.append("t", 9, 7, T + 7, bytes("alarm3")); // p0-new goes
            q.append("t", 9, 8, T + 8, bytes("alarm4")); // p2-old goes
            QueueStats s = q.stats();
            assertEquals(5, s.messages());
            assertEquals(3, s.evicted(EvictionReason.CAPACITY_COUNT));
            assertEquals(0, s.evicted(EvictionReason.CAPACITY_BYTES));
            assertEquals(List.of("alarm1", "alarm2", "alarm3", "alarm4", "p2-new"), drain(q));
        }
        // Only alarms left: the oldest alarm goes.
        try (SqliteQueue q = SqliteQueue.open(options(dir.resolve("b")).withMaxMessages(2))) {
            q.append("t", 9, 1, T + 1, bytes("a1"));
            q.append("t", 9, 2, T + 2, bytes("a2"));
            q.append("t", 9, 3, T + 3, bytes("a3"));
            assertEquals(List.of("a2", "a3"), drain(q));
            assertEquals(1, q.stats().evictedTotal());
        }
    }

    @Test
    void capacityByBytesCountsPayloadAndTopicAndSparesInFlight() throws Exception {
        // Each message: topic "t" (1 byte) + 99 payload bytes = 100 bytes; bound 350 bytes.
        try (SqliteQueue q = SqliteQueue.open(options(dir).withMaxBytes(350))) {
            q.append("t", 1, 1, T + 1, new byte[99]);
            List<StoredMessage> inFlight = q.takeBatch(1);
            q.append("t", 1, 2, T + 2, new byte[99]);
            q.append("t", 5, 3, T + 3, new byte[99]);
            assertEquals(300, q.stats().bytes());
            q.append("t", 5, 4, T + 4, new byte[99]); // 400 > 350: oldest pending of priority 1 is seq 2 (seq 1 is in flight)
            QueueStats s = q.stats();
            assertEquals(300, s.bytes());
            assertEquals(1, s.evicted(EvictionReason.CAPACITY_BYTES));
            List<Long> seqs = new ArrayList<>();
            q.releaseInFlight();
            for (StoredMessage m : q.takeBatch(10)) {
                seqs.add(m.sequence());
            }
            assertEquals(List.of(3L, 4L, 1L), seqs);
            assertEquals(1, inFlight.get(0).sequence());
        }
    }

    @Test
    void maxAgePurgeDropsOldMessagesAndCountsThem() throws Exception {
        long now = System.currentTimeMillis();
        long day = Duration.ofDays(1).toMillis();
        // Written with no age limit (e.g. a backlog from before the limit was configured).
        try (SqliteQueue q = SqliteQueue.open(options(dir).withMaxAge(Duration.ZERO))) {
            q.append("t", 9, 1, now - 40 * day, bytes("old alarm"));
            q.append("t", 4, 2, now - 31 * day, bytes("old data"));
            q.append("t", 4, 3, now - 29 * day, bytes("recent data"));
            q.append("t", 4, 4, now, bytes("new data"));
        }
        // The purge runs at the first write transaction after opening (then once a minute).
        try (SqliteQueue q = SqliteQueue.open(options(dir).withMaxAge(Duration.ofDays(30)))) {
            q.append("t", 4, 5, now, bytes("trigger"));
            QueueStats s = q.stats();
            assertEquals(2, s.evicted(EvictionReason.MAX_AGE));
            assertTrue(s.oldestAgeMillis() >= 29 * day && s.oldestAgeMillis() < 30 * day, "oldest " + s.oldestAgeMillis());
            assertEquals(List.of("recent data", "new data", "trigger"), drain(q));
        }
    }

    @Test
    void statsReportDepthBytesAndAge() throws Exception {
        long now = System.currentTimeMillis();
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            QueueStats empty = q.stats();
            assertEquals(0, empty.messages());
            assertEquals(0, empty.oldestAgeMillis());
            assertTrue(empty.storageAvailable());
            q.append("ab", 9, 1, now - 5000, new byte[10]);
            q.append("abc", 4, 2, now, new byte[20]);
            q.append("abc", 4, 3, now, new byte[20]);
            QueueStats s = q.stats();
            long[] expected = new long[10];
            expected[9] = 1;
            expected[4] = 2;
            assertArrayEquals(expected, s.depthByPriority());
            assertEquals(12 + 23 + 23, s.bytes());
            assertTrue(s.oldestAgeMillis() >= 5000, "age " + s.oldestAgeMillis());
            assertEquals(3, s.appended());
            assertEquals(0, s.evictedTotal());
            assertEquals(EvictionReason.values().length, s.evicted().size());
        }
    }

    @Test
    void awaitAvailableBlocksUntilSomethingIsPending() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            assertFalse(q.awaitAvailable(50));
            CountDownLatch waiting = new CountDownLatch(1);
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<Boolean> f = ex.submit(() -> {
                    waiting.countDown();
                    return q.awaitAvailable(30_000);
                });
                waiting.await();
                Thread.sleep(100);
                assertFalse(f.isDone());
                q.append("t", 1, 1, T + 1, bytes("x"));
                assertTrue(f.get(30, TimeUnit.SECONDS));
            } finally {
                ex.shutdownNow();
            }
            List<StoredMessage> taken = q.takeBatch(1);
            assertEquals(1, taken.size());
            assertFalse(q.awaitAvailable(20), () -> "everything is in flight: " + q.stats());
            assertEquals(1, q.releaseInFlight());
            assertEquals(1, q.stats().messages());
            assertTrue(q.awaitAvailable(0));
        }
    }

    @Test
    void concurrentAppendersShareCommitsAndEveryReturnedAppendIsStored() throws Exception {
        int threads = 16;
        int each = 300;
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        ids.add(q.append("t", i % 10, thread * 1_000_000L + i, T + i, bytes(thread + "/" + i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            ex.shutdown();
            assertEquals(threads * each, ids.size(), "ids are unique");
            assertEquals(threads * each, q.stats().messages());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT sequence) FROM message")) {
            rs.next();
            assertEquals(threads * each, rs.getInt(1));
            assertEquals(threads * each, rs.getInt(2));
        }
    }

    @Test
    void futuresCompleteInCommitOrderAndCloseReturnsAfterTheLast() throws Exception {
        int n = 2_000;
        List<Long> completed = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<java.util.concurrent.CompletableFuture<Long>> fs = new ArrayList<>();
        // Small batches: while this loop queues appends the writer always has more waiting after a commit, so
        // it hands batches to the completer (the path whose order this test checks).
        SqliteQueue q = SqliteQueue.open(options(dir).withMaxBatch(10));
        for (int i = 0; i < n; i++) {
            fs.add(q.appendAsync("t", 4, i, T + i, bytes("m" + i)).whenComplete((id, e) -> {
                completed.add(id);
                threads.add(Thread.currentThread().getName());
            }));
        }
        q.close();
        assertTrue(fs.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()),
                "close() returned before every earlier append had completed");
        assertEquals(n, completed.size());
        for (int i = 1; i < n; i++) {
            assertTrue(completed.get(i) > completed.get(i - 1), "completed out of commit order at " + i);
        }
        assertTrue(threads.contains("tidegate-store-completer"), "no batch went to the completer: " + threads);
    }

    @Test
    void aCallbackThatBlocksTheCompleterStopsTheWritersHeartbeat() throws Exception {
        java.util.concurrent.atomic.AtomicLong lastBeat = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        try (SqliteQueue q = SqliteQueue.open(options(dir).withMaxBatch(10))) {
            q.heartbeat(new org.tidegate.core.health.Heartbeat() {
                @Override
                public void beat() {
                    lastBeat.set(System.nanoTime());
                }

                @Override
                public void close() {
                }
            });
            List<java.util.concurrent.CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                fs.add(q.appendAsync("t", 4, i, T + i, bytes("m" + i)).whenComplete((id, e) -> {
                    if (Thread.currentThread().getName().equals("tidegate-store-completer") && held.getCount() > 0) {
                        held.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
            }
            assertTrue(held.await(10, TimeUnit.SECONDS), "no batch went to the completer");
            // Batches still being handed over wait behind the held one; the writer itself goes on turning.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() - lastBeat.get() < TimeUnit.SECONDS.toNanos(3) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBeat.get());
            release.countDown();
            assertTrue(silentMs >= 3_000, "the writer kept reporting alive while its futures stalled");
            for (java.util.concurrent.CompletableFuture<Long> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
            long beatBefore = lastBeat.get();
            Thread.sleep(1_500); // at least one idle tick
            assertTrue(lastBeat.get() > beatBefore, "the heartbeat came back once the futures completed");
        }
    }

    /**
     * An alarm queued behind routine writes (a drain's acknowledgements, live telemetry) is committed in a
     * transaction of its own ahead of them, so it does not wait for their fsync; durability of each is unchanged.
     */
    @Test
    void anAlarmQueuedBehindRoutineWritesIsCommittedAheadOfThem() throws Exception {
        assertEquals(2, alarmBehindRoutineWrites(true), "one commit for the alarm, one for the rest");
    }

    @Test
    void withNobodyTakingAnAlarmSharesTheRoutineWritesCommit() throws Exception {
        // No reader: committing the alarm apart (and waiting for a take that never comes) would only hold up the
        // routine appends queued with it.
        assertEquals(1, alarmBehindRoutineWrites(false), "one commit for the alarm and the rest");
    }

    /**
     * 200 routine appends and then an alarm queue up while the writer is held; the alarm is taken first either
     * way. {@code readerTaking}: a take just came (as the uplink's do), and the alarm's commit completes first.
     * @return commits for the appends queued
     */
    private long alarmBehindRoutineWrites(boolean readerTaking) throws Exception {
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean holdOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ConcurrentLinkedQueue<String> completed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            if (readerTaking) {
                assertTrue(q.takeBatch(1, org.tidegate.store.StoreAndForwardQueue.ALARM_PRIORITY).isEmpty());
            }
            // The writer tells this listener of every change, on its own thread: held once, it queues what follows.
            q.addPendingListener(() -> {
                if (holdOnce.getAndSet(false)) {
                    writerHeld.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            java.util.concurrent.CompletableFuture<Long> first = q.appendAsync("t", 4, 1, T, bytes("first"));
            assertTrue(writerHeld.await(10, TimeUnit.SECONDS));
            List<java.util.concurrent.CompletableFuture<Long>> routine = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String label = "r" + i;
                routine.add(q.appendAsync("t", 4, 10 + i, T + i, bytes(label)).whenComplete((id, e) -> completed.add(label)));
            }
            java.util.concurrent.CompletableFuture<Long> alarm = q.appendAsync("alarm", 9, 1_000, T, bytes("a"))
                    .whenComplete((id, e) -> completed.add("alarm"));
            long commitsBefore = q.commitCount();
            release.countDown();
            alarm.get(10, TimeUnit.SECONDS);
            first.get(10, TimeUnit.SECONDS);
            for (java.util.concurrent.CompletableFuture<Long> f : routine) {
                f.get(10, TimeUnit.SECONDS);
            }
            if (readerTaking) {
                assertEquals("alarm", completed.peek(), "the alarm's commit came first: " + completed);
            }
            long commits = q.commitCount() - commitsBefore;
            List<StoredMessage> taken = q.takeBatch(300);
            assertEquals("alarm", taken.get(0).topic());
            assertEquals(202, taken.size(), "every message stored");
            return commits;
        }
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() throws Exception {
        SqliteQueue q = SqliteQueue.open(options(dir));
        assertThrows(IllegalArgumentException.class, () -> q.append("t", 10, 1, T + 1, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> q.append("t", -1, 1, T + 1, new byte[1]));
        assertThrows(NullPointerException.class, () -> q.append(null, 1, 1, T + 1, new byte[1]));
        q.close();
        q.close();
        Exception e = assertThrows(org.tidegate.store.StoreException.class, () -> q.append("t", 1, 1, T + 1, new byte[1]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(q.takeBatch(1).isEmpty());
        assertFalse(q.awaitAvailable(10));
    }

    @Test
    void synchronousLevels() throws Exception {
        assertEquals(Synchronous.FULL, Synchronous.parse(""));
        assertEquals(Synchronous.NORMAL, Synchronous.parse("normal"));
        assertThrows(IllegalArgumentException.class, () -> Synchronous.parse("OFF"));
        assertThrows(IllegalArgumentException.class, () -> Synchronous.parse("FAST"));
        // NORMAL with an alarm in the batch escalates that commit to FULL, and the connection goes back to NORMAL.
        try (SqliteQueue q = SqliteQueue.open(options(dir).withSynchronous(Synchronous.NORMAL))) {
            q.append("t", 9, 1, T + 1, bytes("alarm"));
            q.append("t", 1, 2, T + 2, bytes("data"));
            assertEquals(List.of("alarm", "data"), drain(q));
        }
    }

    @Test
    void payloadBytesAreKeptExactly() throws Exception {
        byte[] payload = new byte[4096];
        new java.util.Random(7).nextBytes(payload);
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            q.append("tidegate/gw-zj-0001/telemetry/wl-001", 4, 42, T + 99, payload);
        }
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            StoredMessage m = q.takeBatch(1).get(0);
            assertArrayEquals(payload, m.payload());
            assertEquals(42, m.sequence());
            assertEquals(T + 99, m.createdAt());
            assertEquals("tidegate/gw-zj-0001/telemetry/wl-001", m.topic());
        }
    }

    @Test
    void aSecondProcessCannotShareTheQueueFile() throws Exception {
        try (SqliteQueue q = SqliteQueue.open(options(dir))) {
            q.append("t", 1, 1, T + 1, bytes("x"));
            // Exclusive locking: another connection cannot read or write while the queue is open.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("queue.db"));
                 Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=100");
                assertThrows(java.sql.SQLException.class, () -> st.executeQuery("SELECT count(*) FROM message").next());
            }
            assertEquals(List.of("x"), texts(q.takeBatch(1)));
        }
    }
}
