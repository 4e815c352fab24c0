package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceFileTest {
    @TempDir
    Path dir;

    @Test
    void strictlyIncreasingAndGreaterAfterACleanRestart() throws Exception {
        Path f = dir.resolve("q.db.seq");
        long last;
        long first;
        try (SequenceFile s = SequenceFile.open(f, 10, false, 0)) {
            first = s.next();
            long prev = first;
            for (int i = 1; i < 25; i++) {
                long n = s.next();
                assertTrue(n > prev, n + " after " + prev);
                prev = n;
            }
            assertEquals(first + 24, prev);
            assertEquals(first + 29, s.ceiling(), "blocks of 10 reserved ahead");
            last = prev;
        }
        try (SequenceFile s = SequenceFile.open(f, 10, true, 0)) {
            long n = s.next();
            assertTrue(n > last);
            assertTrue(n >= first + 30, "the rest of the reserved block is skipped, never reused: " + n);
        }
    }

    @Test
    void afterAnUncleanStopEveryNumberIsGreaterThanAnyHandedOutBefore() throws Exception {
        Path f = dir.resolve("q.db.seq");
        Set<Long> seen = new HashSet<>();
        long max = 0;
        for (int run = 0; run < 20; run++) {
            // Never closed: the next open sees the file exactly as a killed process left it.
            SequenceFile s = SequenceFile.open(f, 7, run > 0, 0);
            int count = 1 + (run * 5) % 17;
            for (int i = 0; i < count; i++) {
                long n = s.next();
                assertTrue(n > max, "run " + run + ": " + n + " not above " + max);
                assertTrue(seen.add(n));
                max = n;
            }
        }
    }

    @Test
    void aTornSlotFallsBackToTheOtherSlot() throws Exception {
        Path f = dir.resolve("q.db.seq");
        long handedOut = 0;
        try (SequenceFile s = SequenceFile.open(f, 5, false, 0)) {
            for (int i = 0; i < 12; i++) {
                handedOut = s.next();
            }
        }
        // Reopen and reserve once more: that ceiling lands in the slot of the older generation, so the other slot
        // holds the one before; a power cut during the NEXT reservation would tear that other slot.
        long intact;
        try (SequenceFile s = SequenceFile.open(f, 5, true, 0)) {
            assertTrue(s.next() > handedOut);
            intact = s.ceiling();
        }
        // Find and tear the slot that does not hold the newest ceiling.
        byte[] bytes = Files.readAllBytes(f);
        int older = java.nio.ByteBuffer.wrap(bytes, 8, 8).getLong() == intact ? 512 : 0; // magic, version, 3 pad bytes, ceiling
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(older);
            raf.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}); // that slot torn
        }
        try (SequenceFile s = SequenceFile.open(f, 5, true, 0)) {
            assertEquals(intact, s.ceiling(), "the intact slot's ceiling");
            assertTrue(s.next() > intact);
        }
    }

    /** The store moved to another path and back: two counter files of one sender, numbers still only increase. */
    @Test
    void aCounterFileOpenedAgainAfterAnotherOneWasUsedContinuesAboveIt() throws Exception {
        Path first = dir.resolve("a/q.db.seq");
        Path second = dir.resolve("b/q.db.seq");
        long max;
        try (SequenceFile a = SequenceFile.open(first, 1000, false, 0)) {
            max = a.next();
        }
        Thread.sleep(2);
        try (SequenceFile b = SequenceFile.open(second, 1000, false, 0)) {
            for (int i = 0; i < 5_000; i++) {
                max = Math.max(max, b.next());
            }
        }
        Thread.sleep(6); // the floor argument: fewer than 1 000 numbers per millisecond since
        try (SequenceFile a = SequenceFile.open(first, 1000, true, 0)) {
            long n = a.next();
            assertTrue(n > max, "back on the first file: " + n + " not above " + max + " handed out by the second");
        }
    }

    @Test
    void aDestroyedFileIsMovedAsideAndTheCounterJumpsAboveEverythingBefore() throws Exception {
        Path f = dir.resolve("q.db.seq");
        long last;
        try (SequenceFile s = SequenceFile.open(f, 1000, false, 0)) {
            last = s.next();
        }
        // The floor holds for a counter that handed out fewer than 1 000 numbers per millisecond since its own
        // floor (SequenceFile's class comment); destroyed and made again within that same millisecond (a fast
        // machine does both in well under one), one number is already too many. A gateway's restart takes seconds.
        long madeAt = last / SequenceFile.FLOOR_PER_MS;
        while (System.currentTimeMillis() <= madeAt + 1) {
            Thread.sleep(1);
        }
        Files.write(f, new byte[1024]); // zeros: no valid slot
        try (SequenceFile s = SequenceFile.open(f, 1000, true, 0)) {
            long n = s.next();
            assertTrue(n > last);
            assertTrue(n >= System.currentTimeMillis() * 1000 - 60_000_000L, "time floor: " + n);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("q.db.seq.corrupt-")).count());
        }
    }

    @Test
    void aMissingFileBesideAnExistingQueueCountsAsLost() throws Exception {
        long before = System.currentTimeMillis() * SequenceFile.FLOOR_PER_MS;
        try (SequenceFile s = SequenceFile.open(dir.resolve("fresh.seq"), 1000, false, 0)) {
            assertTrue(s.next() > before, "a fresh file starts above the time floor");
        }
        try (SequenceFile s = SequenceFile.open(dir.resolve("lost.seq"), 1000, true, 5)) {
            assertTrue(s.next() > 1_000_000_000_000L);
        }
    }

    @Test
    void forQueueUsesTheFileBesideTheDatabase() throws Exception {
        long first;
        try (SqliteQueue q = SqliteQueue.open(QueueTesting.options(dir));
             SequenceFile s = SequenceFile.forQueue(q)) {
            first = s.next();
            q.append("t", 1, first, System.currentTimeMillis(), new byte[1]);
            assertEquals(dir.resolve("queue.db.seq").toAbsolutePath(), s.path());
        }
        assertTrue(first > 1_000_000_000_000_000L, "above the time floor: " + first);
        try (SqliteQueue q = SqliteQueue.open(QueueTesting.options(dir));
             SequenceFile s = SequenceFile.forQueue(q)) {
            assertTrue(s.next() > first);
        }
    }

    /**
     * Issue 12: data/ lost while the key is kept. Numbers are issued (several blocks, a clean restart in
     * between), then the queue, its WAL and the sequence file are all deleted: the new counter's numbers are
     * above every earlier one.
     */
    @Test
    void afterLosingEveryFileTheNumbersStillGoUp() throws Exception {
        long highest = 0;
        for (int run = 0; run < 3; run++) {
            for (int restart = 0; restart < 2; restart++) {
                try (SqliteQueue q = SqliteQueue.open(QueueTesting.options(dir));
                     SequenceFile s = SequenceFile.forQueue(q)) {
                    for (int i = 0; i < 2500; i++) {
                        long n = s.next();
                        assertTrue(n > highest, "run " + run + ": " + n + " after " + highest);
                        highest = n;
                    }
                    q.append("t", 4, highest, System.currentTimeMillis(), new byte[1]);
                }
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p); // keep nothing: queue.db, its WAL, the reserve, queue.db.seq
                }
            }
        }
    }
}
