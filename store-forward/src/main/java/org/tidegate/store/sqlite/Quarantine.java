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
 * What happens to a corrupt queue file: every message that can still be read is copied into a fresh file
 * ({@link Salvage}), then the corrupt file is renamed aside to {@code <name>.corrupt-<UTC time>} together
 * with its {@code -wal} (never deleted: {@code sqlite3 .recover} may still get more out of it) and the fresh
 * database takes its place; the numbers salvaged and lost are logged and reported. Corrupt means {@code quick_check} failed on open, or SQLite reported
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
     * Opens the database; if the file is corrupt, salvages what can be read into a fresh file, moves the corrupt
     * one aside and opens the fresh one (whose {@link QueueDatabase#salvageAtOpen()} tells what happened). Only
     * once: if the fresh file fails too, the error is not about the old file and is thrown like any other.
     */
    static QueueDatabase open(Path file, Synchronous synchronous) throws SQLException, IOException {
        Salvage.completeInterrupted(file);
        try {
            return QueueDatabase.open(file, synchronous);
        } catch (SQLException e) {
            if (!isCorruption(e)) {
                throw e;
            }
            Salvage.Report report = salvageAndMoveAside(file, QueueDatabase.describe(e), -1);
            QueueDatabase db = QueueDatabase.open(file, synchronous);
            db.salvageAtOpen(report);
            return db;
        }
    }

    /**
     * Salvages every readable message of the corrupt (closed) {@code file} into a fresh file, then moves the
     * corrupt one aside and puts the fresh one in its place, and logs what it cost. If the fresh file cannot be
     * written (a full disk), the corrupt file is still moved aside, so that the gateway can go on, and the loss
     * is reported as unknown; {@code sqlite3 .recover} can still be run on the file moved aside.
     *
     * @param knownQueued how many messages the file held, if known (run time), or -1
     */
    static Salvage.Report salvageAndMoveAside(Path file, String why, long knownQueued) throws IOException {
        Salvage.Report found;
        boolean copied = true;
        try {
            found = Salvage.copyReadable(file, knownQueued);
        } catch (SQLException | IOException | RuntimeException e) {
            copied = false;
            found = new Salvage.Report(null, 0, Math.max(0, knownQueued), knownQueued >= 0, 0, 0,
                    "salvage failed: " + QueueDatabase.describe(e));
        }
        Path aside = moveAside(file, why);
        if (copied) {
            Salvage.install(Salvage.scratchFor(file), file);
        }
        Salvage.Report report = new Salvage.Report(aside, found.salvaged(), found.lost(), found.lostExact(),
                found.idCeiling(), found.readErrors(), found.problem());
        Logger.error("store: corrupt queue database {} ({}): {} message(s) salvaged into a fresh database, {} lost"
                        + " ({} read error(s){}); the corrupt file is kept as {}", file.toAbsolutePath(), why,
                report.salvaged(), report.lostText(), report.readErrors(),
                report.problem().isEmpty() ? "" : ", first: " + report.problem(), aside.getFileName());
        return report;
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
     * deletes. The connection must be closed first (the files are renamed, not copied). Salvaging is
     * {@link #salvageAndMoveAside}'s part.
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
        Logger.warn("store: corrupt queue database {} ({}) moved aside to {}", db, why, target);
        return target;
    }
}
