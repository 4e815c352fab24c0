package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.store.sqlite.QueueTesting.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;

/**
 * Issue 11, item 2, on a real small tmpfs (mounting needs root; skipped otherwise): the store fills the
 * disk, refuses routine messages, keeps alarms (each append returning in well under a second), keeps its
 * WAL bounded, and recovers by itself when space returns — from another file being deleted, and from its own
 * delivered messages when it filled the disk itself. Nothing that an append returned for is lost.
 */
class DiskFullTest {
    static final long T = System.currentTimeMillis();
    static final long WAL_BOUND = QueueDatabase.WAL_LIMIT_BYTES + 128 * 1024; // the limit plus one transaction

    @TempDir
    Path dir;
    Path mnt;

    @BeforeEach
    void mount() throws Exception {
        mnt = dir.resolve("tmpfs");
        Files.createDirectories(mnt);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt.toString()),
                "needs root to mount a small tmpfs");
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", mnt.toString());
    }

    /** Appends 1 000-byte telemetry until refused; records what returned; checks the WAL after every append. */
    private static final class Filler {
        final Set<Long> stored = new HashSet<>();
        long maxWal;
        StoreException refused;

        void fill(SqliteQueue q, Path db, long firstSequence) throws Exception {
            for (long i = firstSequence; refused == null && i < firstSequence + 100_000; i++) {
                try {
                    q.append("data", 4, i, T, new byte[1000]);
                    stored.add(i);
                } catch (StoreException e) {
                    refused = e;
                }
                maxWal = Math.max(maxWal, wal(db));
            }
        }
    }

    @Test
    void fillsRefusesRoutineKeepsAlarmsAndRecoversWhenAnotherFileIsDeleted() throws Exception {
        Path db = mnt.resolve("queue.db");
        Path other = mnt.resolve("other.log");
        Files.write(other, new byte[6 << 20]); // something else on the partition (logs) that will be deleted
        QueueOptions options = QueueOptions.defaults(db).withRetryInterval(Duration.ofMillis(100));
        Set<Long> alarmSeqs = new HashSet<>();
        Filler f = new Filler();
        try (SqliteQueue q = SqliteQueue.open(options)) {
            assertTrue(Files.size(mnt.resolve("queue.db.reserve")) >= options.reserveBytes(), "reserve made at open");
            f.fill(q, db, 0);
            assertTrue(f.refused != null && f.stored.size() > 500, "the disk filled after " + f.stored.size());
            assertTrue(f.refused.getMessage().contains("full"), f.refused.getMessage());
            assertTrue(f.maxWal <= WAL_BOUND, "WAL bounded while filling: " + f.maxWal);
            QueueStats s = q.stats();
            assertTrue(s.diskFull());
            assertFalse(s.storageAvailable());
            assertTrue(s.diskFullSince() > 0);
            assertEquals(1, s.refusedAppends());
            assertFalse(Files.exists(mnt.resolve("queue.db.reserve")), "the reserve was released");
            assertTrue(wal(db) <= WAL_BOUND, "WAL after the full-disk checkpoint: " + wal(db));

            // While full: a routine appender keeps hammering; alarms still return at once and are kept.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong refusedByHammer = new AtomicLong();
            Thread hammer = new Thread(() -> {
                for (long i = 1_000_000; !stop.get(); i++) {
                    try {
                        q.append("data", 4, i, T, new byte[1000]);
                        throw new AssertionError("routine append accepted on a full disk");
                    } catch (StoreException expected) {
                        refusedByHammer.incrementAndGet();
                    }
                }
            });
            hammer.start();
            long worstNanos = 0;
            for (int i = 0; i < 200; i++) {
                long t0 = System.nanoTime();
                q.append("alarms", 9, 2_000_000 + i, T, bytes("alarm " + i + " while full"));
                worstNanos = Math.max(worstNanos, System.nanoTime() - t0);
                alarmSeqs.add(2_000_000L + i);
            }
            // A reply to an accepted command (priority 8): kept too, so remote management still answers.
            q.append("replies", 8, 2_500_000, T, bytes("reply while full"));
            alarmSeqs.add(2_500_000L);
            stop.set(true);
            hammer.join();
            System.out.printf("disk full: worst alarm append %.1f ms, %d routine appends refused meanwhile%n",
                    worstNanos / 1e6, refusedByHammer.get());
            assertTrue(worstNanos < TimeUnit.SECONDS.toNanos(1), "alarm append took " + worstNanos / 1e6 + " ms");
            assertTrue(refusedByHammer.get() > 0);
            assertTrue(q.stats().diskFull(), "still full: nothing freed yet");

            // Space returns (another file deleted): the store recovers by itself.
            long t0 = System.nanoTime();
            Files.delete(other);
            while (q.stats().diskFull() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(10);
            }
            long recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("disk full: recovered %d ms after space returned%n", recoveryMs);
            s = q.stats();
            assertFalse(s.diskFull(), "recovered within 10 s");
            assertTrue(s.storageAvailable(), s.storageError());
            assertEquals(0, s.heldInMemory(), "every alarm is on disk");
            assertTrue(s.diskFullMillis() > 0);
            assertTrue(Files.size(mnt.resolve("queue.db.reserve")) >= options.reserveBytes(), "reserve re-made");
            for (long i = 3_000_000; i < 3_000_100; i++) {
                q.append("data", 4, i, T, new byte[1000]);
                f.stored.add(i);
                f.maxWal = Math.max(f.maxWal, wal(db));
            }
            assertTrue(f.maxWal <= WAL_BOUND, "WAL bounded: " + f.maxWal);
        }
        // Nothing that returned is lost, alarms first.
        try (SqliteQueue q = SqliteQueue.open(options)) {
            List<StoredMessage> all = drainAll(q);
            Set<Long> seen = new HashSet<>();
            for (StoredMessage m : all) {
                seen.add(m.sequence());
            }
            assertTrue(seen.containsAll(alarmSeqs), "every alarm appended while full");
            assertTrue(seen.containsAll(f.stored), "every routine append that returned");
            assertEquals(f.stored.size() + alarmSeqs.size(), all.size());
            assertEquals(9, all.get(0).priority());
            assertTrue(wal(db) <= WAL_BOUND, "a drained queue checkpoints its WAL: " + wal(db));
        }
    }

    /**
     * The queue itself filled the disk (nothing else to delete, as in issue 11): once the backlog is
     * delivered, its free pages are given back to the file system and the store recovers without help,
     * also across a restart while full.
     */
    @Test
    void recoversFromFillingTheDiskItselfOnceTheBacklogIsDelivered() throws Exception {
        Path db = mnt.resolve("queue.db");
        QueueOptions options = QueueOptions.defaults(db).withRetryInterval(Duration.ofMillis(100));
        Filler f = new Filler();
        try (SqliteQueue q = SqliteQueue.open(options)) {
            f.fill(q, db, 0);
            assertTrue(f.refused != null && q.stats().diskFull(), "full after " + f.stored.size());
            q.append("alarms", 9, 500_000, T, bytes("alarm before the restart"));
        }
        // A restart while full: the store opens, says the disk is full, and still delivers.
        try (SqliteQueue q = SqliteQueue.open(options)) {
            assertTrue(q.stats().diskFull() || q.stats().storageAvailable(), q.stats().storageError());
            List<StoredMessage> all = drainAll(q);
            assertEquals(f.stored.size() + 1, all.size(), "everything that returned, delivered");
            assertEquals("alarm before the restart", QueueTesting.text(all.get(0)));
            long t0 = System.nanoTime();
            while (q.stats().diskFull() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
                Thread.sleep(20);
            }
            System.out.printf("disk full (self-inflicted): recovered %d ms after the backlog was delivered%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertFalse(q.stats().diskFull(), "recovered by giving delivered pages back");
            assertTrue(q.stats().storageAvailable(), q.stats().storageError());
            q.append("data", 4, 600_000, T, bytes("accepted again"));
        }
    }

    /** A store that cannot start for lack of space says so: the directory, the free and the needed bytes. */
    @Test
    void aStoreWithoutSpaceToStartSaysHowMuchItNeeds() throws Exception {
        Path filler = mnt.resolve("filler");
        try (var out = Files.newOutputStream(filler)) {
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                out.write(chunk); // until ENOSPC
            }
        } catch (IOException full) {
            // the partition is full now
        }
        QueueOptions options = QueueOptions.defaults(mnt.resolve("data/queue.db")).withRetryInterval(Duration.ofMillis(100));
        try (SqliteQueue q = SqliteQueue.open(options)) {
            QueueStats s = q.stats();
            assertFalse(s.storageAvailable());
            String error = s.storageError();
            System.out.println("no space to start: " + error);
            assertTrue(error.contains("bytes free") && error.contains(mnt.toString()), error);
            assertTrue(error.contains(Long.toString(options.startupBytes())) || error.contains(
                    Long.toString(options.reserveBytes())), "names the bytes needed: " + error);
            long held = q.append("alarms", 9, 1, T, bytes("kept in memory"));
            assertTrue(held < 0, "an alarm is still kept (in memory)");
            Files.delete(filler);
            long t0 = System.nanoTime();
            while (!q.stats().storageAvailable() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(20);
            }
            assertTrue(q.stats().storageAvailable(), q.stats().storageError());
            assertEquals(0, q.stats().heldInMemory(), "the held alarm was written");
        }
    }

    /** Delivers everything: takes in batches and acknowledges, until empty. */
    private static List<StoredMessage> drainAll(SqliteQueue q) {
        List<StoredMessage> all = new ArrayList<>();
        for (List<StoredMessage> b; !(b = q.takeBatch(256)).isEmpty(); ) {
            all.addAll(b);
            q.acknowledge(b.stream().map(StoredMessage::id).toList());
        }
        return all;
    }

    private static long wal(Path db) {
        try {
            return Files.size(db.resolveSibling(db.getFileName() + "-wal"));
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
