package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.store.sqlite.QueueTesting.bytes;
import static org.tidegate.store.sqlite.QueueTesting.drain;
import static org.tidegate.store.sqlite.QueueTesting.texts;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;

/** Corrupt files, unreadable paths and a full disk: clear errors, alarms kept, nothing deleted. */
class StorageFailureTest {
    static final long T = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void aGarbageFileIsMovedAsideNeverDeletedAndAFreshQueueStarts() throws Exception {
        Path db = dir.resolve("queue.db");
        byte[] garbage = new byte[8192];
        new java.util.Random(1).nextBytes(garbage);
        Files.write(db, garbage);
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            assertTrue(q.stats().storageAvailable());
            q.append("t", 4, 1, T, bytes("after"));
            assertEquals(List.of("after"), drain(q));
        }
        Path aside = onlyFile(dir, "queue.db.corrupt-");
        assertArrayEquals(garbage, Files.readAllBytes(aside), "the corrupt file is kept byte for byte");
    }

    @Test
    void aDatabaseWithDamagedPagesIsMovedAsideOnOpen() throws Exception {
        Path db = dir.resolve("queue.db");
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            for (int i = 0; i < 2000; i++) {
                q.append("t", i % 10, i, T, new byte[200]);
            }
        }
        // Overwrite a few pages in the middle of the file (the header stays valid).
        try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
            byte[] junk = new byte[4096 * 3];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            raf.seek(raf.length() / 2 / 4096 * 4096);
            raf.write(junk);
        }
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            QueueStats s = q.stats();
            assertTrue(s.storageAvailable());
            assertEquals(s.salvaged(), s.messages(), "a fresh database holding what could be salvaged");
            assertTrue(s.salvaged() > 0 && s.lost() > 0 && s.salvaged() + s.lost() == 2000, s.toString());
            q.append("t", 9, 1, T, bytes("alarm"));
            assertTrue(drain(q).contains("alarm"));
        }
        onlyFile(dir, "queue.db.corrupt-");
    }

    @Test
    void corruptionFoundAtRunTimeMovesTheFileAsideAndTheQueueCarriesOn() throws Exception {
        Path db = dir.resolve("queue.db");
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            // ~20 MB: far more than SQLite's page cache, so reading it back goes to the file.
            java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(32);
            List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 32; t++) {
                int thread = t;
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < 600; i++) {
                        q.append("t", i % 9, thread * 1000L + i, T, new byte[1000]);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
                f.get(300, TimeUnit.SECONDS);
            }
            ex.shutdown();
            long queued = q.stats().messages();
            assertEquals(32 * 600, queued);
            // Damage the second half of the file behind SQLite's back (its lock is advisory).
            try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
                long from = raf.length() / 2 / 4096 * 4096;
                byte[] junk = new byte[4096];
                java.util.Arrays.fill(junk, (byte) 0xa5);
                for (long at = from; at + 4096 <= raf.length(); at += 4096) {
                    raf.seek(at);
                    raf.write(junk);
                }
            }
            int taken = 0;
            for (List<StoredMessage> b; !(b = q.takeBatch(500)).isEmpty() && taken < queued; ) {
                taken += b.size();
            }
            QueueStats s = q.stats();
            assertTrue(s.evicted(EvictionReason.CORRUPT_FILE) > 0, "corruption noticed: " + s);
            assertEquals(queued, s.salvaged() + s.lost(), "salvaged + lost = what was queued: " + s);
            assertEquals(s.lost(), s.evicted(EvictionReason.CORRUPT_FILE));
            assertFalse(s.movedAside().isEmpty());
            assertTrue(s.storageAvailable(), s.storageError());
            q.append("t", 9, 99_999, T, bytes("after corruption"));
            q.releaseInFlight();
            List<String> after = texts(q.takeBatch(10));
            assertTrue(after.contains("after corruption"), after.toString());
        }
        onlyFile(dir, "queue.db.corrupt-");
    }

    @Test
    void anUnusablePathKeepsAlarmsInMemoryRefusesRoutineDataAndRecovers() throws Exception {
        // The directory the database should live in is a regular file: cannot open, cannot create.
        Path blocker = dir.resolve("data");
        Files.writeString(blocker, "not a directory");
        Path db = blocker.resolve("queue.db");
        QueueOptions options = QueueOptions.defaults(db).withRetryInterval(Duration.ofMillis(100));
        try (SqliteQueue q = SqliteQueue.open(options)) {
            QueueStats s = q.stats();
            assertFalse(s.storageAvailable());
            assertFalse(s.storageError().isEmpty());

            long alarm1 = q.append("alarms", 9, 1, T, bytes("alarm1"));
            long alarm2 = q.append("alarms", 9, 2, T + 1, bytes("alarm2"));
            assertTrue(alarm1 < 0 && alarm2 < 0, "held in memory");
            StoreException e = assertThrows(StoreException.class, () -> q.append("data", 4, 3, T, bytes("routine")));
            assertTrue(e.getMessage().contains("unavailable") && e.getMessage().contains("seq=3"), e.getMessage());
            s = q.stats();
            assertEquals(2, s.heldInMemory());
            assertEquals(2, s.depth(9));
            assertEquals(1, s.evicted(EvictionReason.STORAGE_UNAVAILABLE));

            // The uplink still gets the alarms, and an acknowledgement removes one from memory.
            assertTrue(q.awaitAvailable(1000));
            List<StoredMessage> taken = q.takeBatch(10);
            assertEquals(List.of("alarm1", "alarm2"), texts(taken));
            q.acknowledge(alarm1);
            assertEquals(1, q.releaseInFlight());

            // The disk comes back: the held alarm is written to the database within a retry interval or two.
            Files.delete(blocker);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (q.stats().heldInMemory() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            s = q.stats();
            assertTrue(s.storageAvailable(), s.storageError());
            assertEquals(0, s.heldInMemory());
            assertEquals(1, s.messages());
            q.append("data", 4, 4, T, bytes("routine again"));
        }
        try (SqliteQueue q = SqliteQueue.open(options)) {
            List<StoredMessage> all = q.takeBatch(10);
            assertEquals(List.of("alarm2", "routine again"), texts(all));
            assertTrue(all.get(0).id() > 0);
            assertEquals(2, all.get(0).sequence());
        }
    }

    @Test
    void theInMemoryAlarmBufferIsBoundedAndCountsWhatItDrops() throws Exception {
        Path blocker = dir.resolve("data");
        Files.writeString(blocker, "x");
        QueueOptions options = QueueOptions.defaults(blocker.resolve("queue.db")).withMemoryAlarmLimit(3);
        try (SqliteQueue q = SqliteQueue.open(options)) {
            for (int i = 1; i <= 5; i++) {
                q.append("alarms", 9, i, T + i, bytes("a" + i));
            }
            QueueStats s = q.stats();
            assertEquals(3, s.heldInMemory());
            assertEquals(2, s.evicted(EvictionReason.MEMORY_FULL));
            assertEquals(List.of("a3", "a4", "a5"), texts(q.takeBatch(10)));
        }
    }

    /**
     * A real full disk: an 8 MiB tmpfs (needs root for mount). Routine appends fail with a clear error,
     * alarms go to memory, and after the file system grows everything held is written and nothing that
     * returned is lost.
     */
    @Test
    void aFullDiskKeepsAlarmsAndRecoversWhenSpaceReturns() throws Exception {
        Path mnt = dir.resolve("tmpfs");
        Files.createDirectories(mnt);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString()),
                "needs root to mount a small tmpfs");
        try {
            QueueOptions options = QueueOptions.defaults(mnt.resolve("queue.db")).withRetryInterval(Duration.ofMillis(100));
            int stored = 0;
            StoreException refused = null;
            try (SqliteQueue q = SqliteQueue.open(options)) {
                for (int i = 0; i < 100_000 && refused == null; i++) {
                    try {
                        q.append("data", 4, i, T, new byte[1000]);
                        stored++;
                    } catch (StoreException e) {
                        refused = e;
                    }
                }
                assertTrue(refused != null && stored > 1000, "the disk filled after " + stored);
                assertTrue(refused.getMessage().contains("unavailable"), refused.getMessage());
                assertFalse(q.stats().storageAvailable());
                // kept: in memory, or written at once into the space the released reserve gave back
                q.append("alarms", 9, 1_000_000, T, bytes("alarm during disk full"));
                assertTrue(q.stats().diskFull());
                assertTrue(q.stats().storageError().toLowerCase().contains("full"), q.stats().storageError());

                assertTrue(run("mount", "-o", "remount,size=64m", mnt.toString()), "grow the tmpfs");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((q.stats().heldInMemory() > 0 || !q.stats().storageAvailable()) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, q.stats().heldInMemory());
                assertTrue(q.stats().storageAvailable());
                q.append("data", 4, 2_000_000, T, bytes("after"));
            }
            try (SqliteQueue q = SqliteQueue.open(options)) {
                assertEquals(stored + 2, q.stats().messages(), "every append that returned survived");
                StoredMessage first = q.takeBatch(1).get(0);
                assertEquals("alarm during disk full", QueueTesting.text(first));
            }
        } finally {
            run("umount", mnt.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Path onlyFile(Path dir, String prefix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> matches = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && !p.getFileName().toString().endsWith("-wal") && !p.getFileName().toString().endsWith("-shm")).toList();
            assertEquals(1, matches.size(), "moved-aside files: " + matches);
            return matches.get(0);
        }
    }
}
