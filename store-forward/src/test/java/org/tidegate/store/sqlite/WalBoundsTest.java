package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.StoredMessage;

/** The WAL bound, checkpoints and giving free pages back, on real files (no full disk needed). */
class WalBoundsTest {
    static final long T = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void aNewFileCanGiveDeliveredPagesBackToTheFileSystem() throws Exception {
        Path file = dir.resolve("queue.db");
        try (QueueDatabase db = QueueDatabase.open(file, Synchronous.NORMAL)) {
            List<Long> ids = new ArrayList<>();
            db.transaction(false, () -> {
                for (int i = 0; i < 2000; i++) {
                    ids.add(db.insert("t", 4, i, T, 0, new byte[1000]).id());
                }
            });
            db.checkpoint();
            assertEquals(0, db.walBytes(), "TRUNCATE checkpoint empties the WAL");
            long full = Files.size(file);
            db.transaction(false, () -> {
                for (long id : ids) {
                    db.delete(id);
                }
            });
            db.checkpoint();
            assertTrue(db.freeBytes() > 1_500_000, "free pages: " + db.freeBytes());
            long shrunk = 0;
            for (int i = 0; i < 100 && db.freeBytes() > 0; i++) {
                shrunk += db.shrinkBy(256);
            }
            assertEquals(0, db.freeBytes());
            assertTrue(Files.size(file) < full / 4, "file " + Files.size(file) + " bytes, was " + full);
            assertTrue(shrunk > 1_500_000, "shrunk by " + shrunk);
            assertTrue(db.walBytes() <= QueueDatabase.WAL_LIMIT_BYTES, "WAL " + db.walBytes());
        }
    }

    @Test
    void theWalStaysBoundedUnderLoadAndIsEmptyAfterADrain() throws Exception {
        Path file = dir.resolve("queue.db");
        Path wal = dir.resolve("queue.db-wal");
        long maxWal = 0;
        try (SqliteQueue q = SqliteQueue.open(QueueTesting.options(dir))) {
            for (int i = 0; i < 3000; i++) {
                q.append("t", 4, i, T, new byte[1000]);
                maxWal = Math.max(maxWal, Files.exists(wal) ? Files.size(wal) : 0);
            }
            System.out.printf("WAL: at most %d bytes over 3000 appends of 1000 bytes%n", maxWal);
            assertTrue(maxWal <= QueueDatabase.WAL_LIMIT_BYTES + 128 * 1024, "WAL bounded: " + maxWal);
            for (List<StoredMessage> b; !(b = q.takeBatch(100)).isEmpty(); ) {
                q.acknowledge(b.stream().map(StoredMessage::id).toList());
                maxWal = Math.max(maxWal, Files.size(wal));
            }
            assertTrue(maxWal <= QueueDatabase.WAL_LIMIT_BYTES + 128 * 1024, "WAL bounded while draining: " + maxWal);
            assertEquals(0, awaitEmptyWal(wal), "an idle empty queue checkpoints its WAL away");
            assertTrue(Files.exists(file));
        }
    }

    @Test
    void steadyTrafficThatEmptiesTheQueueDoesNotCheckpointEachTime() throws Exception {
        Path wal = dir.resolve("queue.db-wal");
        try (SqliteQueue q = SqliteQueue.open(QueueTesting.options(dir))) {
            int cycles = 300;
            long before = q.checkpointCount();
            for (int i = 0; i < cycles; i++) { // as live traffic: each message delivered before the next comes
                q.append("t", 4, i, T, new byte[1000]);
                q.acknowledge(q.takeBatch(10).stream().map(StoredMessage::id).toList());
            }
            long checkpoints = q.checkpointCount() - before;
            System.out.printf("%d checkpoints over %d append/deliver cycles%n", checkpoints, cycles);
            // Before: one TRUNCATE checkpoint (one more fsync) per emptying acknowledgement, 300 here.
            assertTrue(checkpoints <= cycles / 10, checkpoints + " checkpoints for " + cycles + " cycles");
            assertTrue(Files.size(wal) <= QueueDatabase.WAL_LIMIT_BYTES + 128 * 1024, "WAL bounded: " + Files.size(wal));
            assertEquals(0, awaitEmptyWal(wal), "once idle, the WAL is checkpointed away");
        }
    }

    /** The WAL's size once it is 0, or as it is after 15 s (the writer checkpoints an idle queue within ~3 s). */
    private static long awaitEmptyWal(Path wal) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (Files.size(wal) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return Files.size(wal);
    }
}
