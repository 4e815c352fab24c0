package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoredMessage;

/**
 * Damaged files on real SQLite files: what can be read is kept, and what is lost is counted and named
 * (docs/store-forward.md, "Damaged files").
 */
class DamagedFilesTest {
    static final long T = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void aCorruptDatabaseIsSalvagedIntoTheFreshOneAndSalvagedPlusLostAccountForEveryMessage() throws Exception {
        Path db = dir.resolve("queue.db");
        Map<Long, byte[]> sent = new HashMap<>();
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            for (int i = 0; i < 30; i++) {
                byte[] payload = payload(i, 1500);
                q.append("gw/t/" + i, i % 10, 5000 + i, T + i, payload);
                sent.put(5000L + i, payload);
            }
        } // closed: checkpointed into queue.db, no WAL left
        // Garbage over two pages in the middle of the file (the header and the schema page stay valid).
        long pages;
        try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
            pages = raf.length() / 4096;
            byte[] junk = new byte[4096 * 2];
            new Random(7).nextBytes(junk);
            raf.seek(pages / 2 * 4096);
            raf.write(junk);
        }
        byte[] damaged = Files.readAllBytes(db);

        List<StoredMessage> kept = new ArrayList<>();
        QueueStats s;
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            s = q.stats();
            for (List<StoredMessage> b; !(b = q.takeBatch(100)).isEmpty(); ) {
                kept.addAll(b);
            }
        }
        System.out.printf("corrupt database: %d pages, %d of 30 salvaged, %s lost, moved aside to %s%n", pages,
                s.salvaged(), (s.damage().lostAtLeast() ? "at least " : "") + s.lost(), s.movedAside());
        assertTrue(s.storageAvailable(), s.storageError());
        assertTrue(s.salvaged() > 0, "something was readable: " + s);
        assertTrue(s.lost() > 0, "two pages of rows were destroyed: " + s);
        assertFalse(s.damage().lostAtLeast(), "the index was intact, so the loss is exact: " + s);
        assertEquals(30, s.salvaged() + s.lost(), "salvaged + lost = what was queued: " + s);
        assertEquals(s.lost(), s.evicted(EvictionReason.CORRUPT_FILE));
        assertEquals(s.salvaged(), s.messages(), "the salvaged messages are queued in the fresh database");
        assertEquals(s.salvaged(), kept.size());
        for (StoredMessage m : kept) {
            assertArrayEquals(sent.get(m.sequence()), m.payload(), "payload of seq " + m.sequence());
            int i = (int) (m.sequence() - 5000);
            assertEquals("gw/t/" + i, m.topic());
            assertEquals(i % 10, m.priority());
            assertEquals(T + i, m.createdAt());
            assertEquals(i + 1, m.id(), "ids are kept");
        }
        // Nothing deleted: the corrupt file is kept byte for byte under the name reported.
        assertTrue(s.movedAside().startsWith("queue.db.corrupt-"), s.movedAside());
        assertArrayEquals(damaged, Files.readAllBytes(dir.resolve(s.movedAside())));
        assertFalse(Files.exists(Salvage.scratchFor(db)), "the scratch file became the database");
        // The fresh database continues above the old ids.
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            assertEquals(QueueStats.Damage.NONE, q.stats().damage(), "reported once, by the open that found it");
            q.append("t", 9, 9999, T, payload(99, 10));
            long maxId = 0;
            for (StoredMessage m : q.takeBatch(100)) {
                maxId = Math.max(maxId, m.id());
            }
            assertEquals(31, maxId, "ids of the corrupt file are not given out again");
        }
    }

    @Test
    void aFileThatIsNotADatabaseAtAllIsReportedAsAnUnknownLoss() throws Exception {
        Path db = dir.resolve("queue.db");
        byte[] garbage = new byte[8192];
        new Random(3).nextBytes(garbage);
        Files.write(db, garbage);
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            QueueStats s = q.stats();
            assertEquals(0, s.salvaged());
            assertTrue(s.damage().lostAtLeast(), "how many were in it is unknown: " + s);
            assertTrue(s.movedAside().startsWith("queue.db.corrupt-"));
            assertArrayEquals(garbage, Files.readAllBytes(dir.resolve(s.movedAside())));
        }
    }

    @Test
    void anInterruptedSalvageIsCompletedAtTheNextOpen() throws Exception {
        Path db = dir.resolve("queue.db");
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            q.append("t", 4, 1, T, payload(1, 100));
        }
        // As if the process died after moving the corrupt file aside and before renaming the salvaged one in.
        Files.move(db, Salvage.scratchFor(db));
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            assertEquals(1, q.stats().messages());
        }
    }

    @Test
    void aDamagedWalTailAfterSigkillIsDetectedAndTheLostIdsAndSequenceNumbersNamed() throws Exception {
        int n = 23;
        Process child = startChild(n);
        awaitReady(child);
        child.destroyForcibly(); // SIGKILL: the WAL is not checkpointed, the high-water mark is in the page cache
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        Path db = dir.resolve("queue.db");
        Path wal = dir.resolve("queue.db-wal");
        long walLength = Files.size(wal);
        assertTrue(walLength > 32 + 4096 * n, "one commit per append, all in the WAL: " + walLength);
        // 64 random bytes about a third into the WAL: SQLite stops its replay at the frame they land in.
        long at = walLength * 9 / 25;
        byte[] junk = new byte[64];
        new Random(11).nextBytes(junk);
        try (RandomAccessFile raf = new RandomAccessFile(wal.toFile(), "rw")) {
            raf.seek(at);
            raf.write(junk);
        }

        QueueStats s;
        List<StoredMessage> kept = new ArrayList<>();
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            s = q.stats();
            for (List<StoredMessage> b; !(b = q.takeBatch(100)).isEmpty(); ) {
                kept.addAll(b);
            }
        }
        int survived = kept.size();
        QueueStats.Range r = s.damage().mayBeLost();
        System.out.printf("damaged WAL: %d of %d messages recovered; may be lost: ids %d..%d, sequences %d..%d%n",
                survived, n, r.fromId(), r.toId(), r.fromSequence(), r.toSequence());
        assertTrue(survived < n, "the damage dropped the tail: " + survived);
        assertTrue(s.storageAvailable(), s.storageError());
        long[] ids = kept.stream().mapToLong(StoredMessage::id).sorted().toArray();
        long[] expected = new long[survived];
        Arrays.setAll(expected, i -> i + 1);
        assertArrayEquals(expected, ids, "what survived is the head of the WAL");
        assertEquals(new QueueStats.Range(survived + 1, n, 1000 + survived + 1, 1000 + n), r,
                "the range names exactly the ids and sequence numbers that were dropped");
        // Reported once: the next open has its id ceiling raised above the lost ids.
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            assertTrue(q.stats().damage().mayBeLost().isNone(), q.stats().toString());
            assertTrue(q.maxSequenceAtOpen() >= survived + 1000);
            q.append("t", 4, 5000, T, payload(5000, 10));
            assertEquals(n + 1, q.takeBatch(100).stream().mapToLong(StoredMessage::id).max().orElse(0),
                    "the lost ids are not given out again");
        }
    }

    @Test
    void aCleanRestartAndAnAcknowledgedTailAreNotReportedAsLoss() throws Exception {
        Path db = dir.resolve("queue.db");
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            for (int i = 0; i < 10; i++) {
                q.append("t", 4, i + 1, T, payload(i, 10));
            }
            q.acknowledge(q.takeBatch(100).stream().map(StoredMessage::id).toList()); // the newest rows deleted
        }
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            assertEquals(QueueStats.Damage.NONE, q.stats().damage());
        }
    }

    @Test
    void theHighWaterMarkIsKeptWhenTheDataDirectoryDoesNotExistYet() throws Exception {
        Path db = dir.resolve("data/sub/queue.db");
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db))) {
            q.append("t", 4, 7, T, payload(1, 10));
        }
        assertTrue(Files.size(HighWaterMark.pathFor(db)) > 0, "the mark was written");
    }

    // ------------------------------------------------------------------ helpers

    static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        new Random(i).nextBytes(b);
        return b;
    }

    private Process startChild(int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.sqlite.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"),
                AppendAndWait.class.getName(), dir.resolve("queue.db").toString(), Integer.toString(n));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile()).start();
    }

    private void awaitReady(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("READY")) {
                return;
            }
        }
        fail("child exited before READY: " + Files.readString(dir.resolve("child.err")));
    }

    /** The child JVM: appends N messages of 3 KB (sequence 1001 …), one commit each, says READY and waits to be killed. */
    public static final class AppendAndWait {
        public static void main(String[] args) throws Exception {
            SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(Path.of(args[0])));
            int n = Integer.parseInt(args[1]);
            for (int i = 1; i <= n; i++) {
                q.append("gw/t", 4, 1000 + i, System.currentTimeMillis(), payload(i, 3000));
            }
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    static Stream<Path> files(Path dir) throws Exception {
        return Files.list(dir);
    }
}
