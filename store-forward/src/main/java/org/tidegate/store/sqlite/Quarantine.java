package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.tinylog.Logger;

/**
 * What happens to a corrupt queue file: it is renamed aside to {@code <name>.corrupt-<UTC time>} together
 * with its {@code -wal} (never deleted: {@code sqlite3 .recover} may still get messages out of it) and a
 * fresh database takes its place. Corrupt means {@code quick_check} failed on open, or SQLite reported
 * SQLITE_CORRUPT or SQLITE_NOTADB, on open or at run time.
 *
 * <p>Only the file is handled here. Counting the messages lost with a file found corrupt at run time, and
 * forgetting what the writer knew about its rows, is the {@link QueueWriter}'s part.
 */
final class Quarantine {
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;
    private static final String[] COMPANION_SUFFIXES = {"", "-wal", "-shm", "-journal"};

    private Quarantine() {
    }

    /**
     * Opens the database; if the file is corrupt, moves it aside and opens a fresh one. Only once: if the
     * fresh file fails too, the error is not about the old file and is thrown like any other.
     */
    static QueueDatabase open(Path file, Synchronous synchronous) throws SQLException, IOException {
        try {
            return QueueDatabase.open(file, synchronous);
        } catch (SQLException e) {
            if (!isCorruption(e)) {
                throw e;
            }
            moveAside(file, QueueDatabase.describe(e));
            return QueueDatabase.open(file, synchronous);
        }
    }

    /** True for a damaged file (as opposed to a full disk, an I/O error or a lock held by someone else). */
    static boolean isCorruption(SQLException e) {
        if (e instanceof QueueDatabase.QuickCheckFailed) {
            return true;
        }
        // sqlite-jdbc reports extended result codes; the low byte is the primary code.
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
    }

    /**
     * Renames the database and its WAL/SHM/journal files to {@code <name>.corrupt-<UTC time>[-n]}; never
     * deletes. The connection must be closed first (the files are renamed, not copied).
     *
     * @return where the database file went
     */
    static Path moveAside(Path file, String why) throws IOException {
        Path db = file.toAbsolutePath();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        String base = db.getFileName() + ".corrupt-" + stamp;
        Path target = db.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = db.resolveSibling(base + "-" + n);
        }
        for (String suffix : COMPANION_SUFFIXES) {
            Path from = db.resolveSibling(db.getFileName() + suffix);
            if (Files.exists(from)) {
                Files.move(from, target.resolveSibling(target.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Logger.error("store: corrupt queue database {} ({}) moved aside to {}; a fresh database is started", db, why,
                target);
        return target;
    }
}
