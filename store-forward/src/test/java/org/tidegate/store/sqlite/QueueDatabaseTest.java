package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.store.sqlite.QueueTesting.bytes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueDatabase.Row;

/** The storage core and the quarantine on their own, on real SQLite files. */
class QueueDatabaseTest {
    static final long T = System.currentTimeMillis();

    @TempDir
    Path dir;

    @Test
    void countsWhatIsQueuedWhenItOpens() throws Exception {
        Path file = dir.resolve("sub/queue.db");
        try (QueueDatabase db = QueueDatabase.open(file, Synchronous.FULL)) {
            assertEquals(0, db.messagesAtOpen());
            db.transaction(false, () -> {
                db.insert("ab", 1, 7, T, 0, bytes("xyz"));
                db.insert("ab", 1, 8, T, 0, bytes("x"));
                db.insert("alarm", 9, 5, T, 0, bytes("!"));
            });
        }
        try (QueueDatabase db = QueueDatabase.open(file, Synchronous.FULL)) {
            long[] expected = new long[QueueDatabase.PRIORITIES];
            expected[1] = 2;
            expected[9] = 1;
            assertArrayEquals(expected, db.depthAtOpen());
            assertEquals(3, db.messagesAtOpen());
            assertEquals((2 + 3) + (2 + 1) + (5 + 1), db.bytesAtOpen(), "topic + payload bytes");
            assertEquals(8, db.maxSequenceAtOpen());
        }
    }

    @Test
    void aTransactionThatFailsLeavesNothingBehind() throws Exception {
        try (QueueDatabase db = QueueDatabase.open(dir.resolve("queue.db"), Synchronous.NORMAL)) {
            SQLException boom = assertThrows(SQLException.class, () -> db.transaction(true, () -> {
                db.insert("t", 9, 1, T, 0, bytes("alarm"));
                throw new SQLException("boom");
            }));
            assertEquals("boom", boom.getMessage());
            assertTrue(db.readAfter(9, 0, 10).isEmpty(), "rolled back");
            // Still usable, at the configured level again.
            db.transaction(false, () -> db.insert("t", 4, 2, T, 0, bytes("after")));
            assertEquals(1, db.readAfter(4, 0, 10).size());
            assertTrue(db.answers());
        }
    }

    @Test
    void readsAfterAnIdAndWritesAttemptsAndDeletes() throws Exception {
        try (QueueDatabase db = QueueDatabase.open(dir.resolve("queue.db"), Synchronous.FULL)) {
            Row[] rows = new Row[4];
            db.transaction(false, () -> {
                for (int i = 0; i < 4; i++) {
                    rows[i] = db.insert("t", 3, i, T + i, 0, bytes("m" + i));
                }
            });
            List<StoredMessage> after = db.readAfter(3, rows[0].id(), 2);
            assertEquals(List.of(rows[1].id(), rows[2].id()), after.stream().map(StoredMessage::id).toList());
            assertEquals(List.of(rows[2].id(), rows[3].id()), db.idsAfter(3, rows[1].id(), 10));
            db.transaction(false, () -> db.addAttempts(Map.of(rows[1].id(), 2, rows[2].id(), 1), Set.of(rows[2].id())));
            List<StoredMessage> again = db.readAfter(3, 0, 10);
            assertEquals(List.of(0, 2, 0, 0), again.stream().map(StoredMessage::attempts).toList(),
                    "the skipped id keeps its count");
            db.transaction(false, () -> assertEquals(rows[0], db.delete(rows[0].id())));
            db.transaction(false, () -> assertNull(db.delete(rows[0].id())));
            assertEquals(T + 1, db.oldestCreatedAt());
            assertEquals(List.of(rows[1].id()), db.createdBefore(T + 2, 10).stream().map(QueueDatabase.RowKey::id).toList());
        }
    }

    @Test
    void aGarbageFileIsMovedAsideAndAFreshDatabaseOpens() throws Exception {
        Path file = dir.resolve("queue.db");
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(file, garbage);
        SQLException e = assertThrows(SQLException.class, () -> QueueDatabase.open(file, Synchronous.FULL));
        assertTrue(Quarantine.isCorruption(e), e.toString());
        try (QueueDatabase db = Quarantine.open(file, Synchronous.FULL)) {
            assertEquals(0, db.messagesAtOpen());
        }
        List<Path> aside;
        try (Stream<Path> files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("queue.db.corrupt-")).sorted().toList();
        }
        assertEquals(1, aside.size(), aside.toString());
        assertArrayEquals(garbage, Files.readAllBytes(aside.get(0)), "kept byte for byte");
    }

    @Test
    void theWalGoesAsideWithItsDatabase() throws Exception {
        Path file = dir.resolve("queue.db");
        Files.write(file, bytes("db"));
        Files.write(dir.resolve("queue.db-wal"), bytes("wal"));
        Path aside = Quarantine.moveAside(file, "test");
        assertArrayEquals(bytes("db"), Files.readAllBytes(aside));
        assertArrayEquals(bytes("wal"), Files.readAllBytes(aside.resolveSibling(aside.getFileName() + "-wal")));
        assertFalse(Files.exists(dir.resolve("queue.db-wal")));
    }

    @Test
    void aSecondQuarantineInTheSameSecondGetsItsOwnName() throws Exception {
        Path file = dir.resolve("queue.db");
        Files.write(file, bytes("one"));
        Path first = Quarantine.moveAside(file, "test");
        Files.write(file, bytes("two"));
        Path second = Quarantine.moveAside(file, "test");
        assertFalse(first.equals(second));
        assertFalse(Files.exists(file));
        assertArrayEquals(bytes("one"), Files.readAllBytes(first));
        assertArrayEquals(bytes("two"), Files.readAllBytes(second));
    }

    @Test
    void onlyDamageCountsAsCorruption() {
        assertTrue(Quarantine.isCorruption(new QueueDatabase.QuickCheckFailed("quick_check: page 3")));
        assertTrue(Quarantine.isCorruption(new SQLException("corrupt", "", 11)));
        assertTrue(Quarantine.isCorruption(new SQLException("corrupt index", "", 11 | (3 << 8))), "extended code");
        assertTrue(Quarantine.isCorruption(new SQLException("not a database", "", 26)));
        assertFalse(Quarantine.isCorruption(new SQLException("disk full", "", 13)));
        assertFalse(Quarantine.isCorruption(new SQLException("locked", "", 5)));
        assertFalse(Quarantine.isCorruption(new SQLException("I/O", "", 10 | (4 << 8))));
    }
}
