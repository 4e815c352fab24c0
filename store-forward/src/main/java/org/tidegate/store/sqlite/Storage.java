package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * The queue database as the writer sees it: open, or unavailable with the reason and the time of the next
 * attempt. Opening goes through {@link Quarantine} (a corrupt file is moved aside); a failed write either
 * keeps the connection (disk full: the next write simply retries) or closes it for a reopen after
 * {@code retryInterval} (I/O error, the file went away). Owned by the writer thread.
 *
 * <h2>A full disk</h2>
 * The first write that fails for lack of space (SQLITE_FULL, or any write failure with less than the
 * reserve free) puts the store in the <em>disk full</em> state: the {@link DiskReserve} is deleted, which
 * gives back enough space for a checkpoint of the bounded WAL and for the deletes of delivered messages, the
 * WAL is checkpointed, and one ERROR line says so. While full, routine appends are refused at once (no
 * SQLite write is attempted for them, so they cost nothing and an alarm never waits behind them); alarms
 * and acknowledgements are still written (alarms that do not fit stay in memory, {@link HeldAlarms}). Every
 * maintenance tick checks the file system: once the reserve plus a margin fits again, the reserve is
 * re-made and the state ends with one INFO line. If the queue itself filled the disk, delivered messages
 * free pages inside the file; those are given back to the file system ({@link QueueDatabase#shrinkBy}) so
 * that the store recovers by itself even if nothing else frees space.
 */
final class Storage {
    /** Free space above the reserve needed before a full disk counts as recovered. */
    static final long RECOVERY_MARGIN_BYTES = QueueDatabase.WAL_LIMIT_BYTES;
    /** Pages given back to the file system per maintenance tick while the disk is full (~1 MiB). */
    private static final int SHRINK_PAGES_PER_TICK = QueueDatabase.WAL_AUTOCHECKPOINT_PAGES;
    private static final int SQLITE_FULL = 13;

    private final QueueOptions options;
    private final DiskReserve reserve;
    private boolean diskFull;
    private long diskFullSince;
    private long fullMillisEnded;
    private long refusedAtFull;
    /** Told about every database that opened, before it is used, to reset what the writer knew. */
    private final Consumer<QueueDatabase> whenOpened;
    private QueueDatabase db;
    private long nextOpenAttempt;
    private boolean available;
    private String error = "";

    /** Routine appends refused so far (for the recovery log line). */
    private final LongSupplier refusedSoFar;

    Storage(QueueOptions options, Consumer<QueueDatabase> whenOpened, LongSupplier refusedSoFar) {
        this.options = options;
        this.whenOpened = whenOpened;
        this.refusedSoFar = refusedSoFar;
        this.reserve = new DiskReserve(options.path(), options.reserveBytes());
    }

    /**
     * The open database; opens it first if it is closed and a retry is due.
     *
     * @return null while the database is unavailable
     */
    QueueDatabase openIfDue() {
        if (db != null) {
            return db;
        }
        long now = System.currentTimeMillis();
        if (now < nextOpenAttempt) {
            return null;
        }
        QueueDatabase opened;
        try {
            opened = Quarantine.open(options.path(), options.synchronous());
        } catch (SQLException | IOException e) {
            nextOpenAttempt = now + options.retryInterval().toMillis();
            String msg = QueueDatabase.describe(e) + spaceNote();
            if (available || !msg.equals(error)) { // once per distinct error, not every retry
                Logger.error("store: cannot open queue database {}: {}; alarms are kept in memory, retrying every {} ms",
                        options.path(), msg, options.retryInterval().toMillis());
            }
            available = false;
            error = msg;
            return null;
        }
        db = opened;
        whenOpened.accept(opened);
        available = true;
        error = "";
        Logger.info("store: opened {} (WAL, synchronous={}): {} message(s), {} bytes queued", options.path(),
                options.synchronous(), opened.messagesAtOpen(), opened.bytesAtOpen());
        if (!diskFull && !reserve.present()) {
            long usable = reserve.usableBytes();
            if (usable >= 0 && usable < reserve.size() + RECOVERY_MARGIN_BYTES || !reserve.make()) {
                enterDiskFull("only " + usable + " bytes free: cannot make the " + reserve.size() + "-byte reserve "
                        + reserve.file() + " plus a margin of " + RECOVERY_MARGIN_BYTES);
            }
        }
        return db;
    }

    /**
     * When the directory lacks space: " (no space: DIR has N bytes free, the store needs at least M)", else "".
     */
    private String spaceNote() {
        long usable = reserve.usableBytes();
        long needed = options.startupBytes();
        if (usable < 0 || usable >= needed) {
            return "";
        }
        return " (no space: " + directory() + " has " + usable + " bytes free, the store needs at least " + needed
                + " bytes to start: its reserve of " + reserve.size() + " plus room for the database and its WAL)";
    }

    private Path directory() {
        return reserve.file().getParent();
    }

    /** True from a write that failed for lack of space until the reserve could be made again. */
    boolean diskFull() {
        return diskFull;
    }

    /** When the current full-disk episode began (epoch ms), 0 if the disk is not full. */
    long diskFullSince() {
        return diskFull ? diskFullSince : 0;
    }

    /** Milliseconds spent full since the queue was opened, the current episode included. */
    long diskFullMillis() {
        return fullMillisEnded + (diskFull ? Math.max(0, System.currentTimeMillis() - diskFullSince) : 0);
    }

    /** The reserve's file (for tests and docs). */
    DiskReserve reserve() {
        return reserve;
    }

    /** True for a failure caused by lack of space. */
    boolean isDiskFull(SQLException e) {
        if ((e.getErrorCode() & 0xff) == SQLITE_FULL) {
            return true;
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("SQLITE_FULL") || m.contains("disk is full")) {
            return true;
        }
        long usable = reserve.usableBytes();
        return usable >= 0 && usable < Math.max(reserve.size(), RECOVERY_MARGIN_BYTES);
    }

    /**
     * Enters the full state (once per episode): releases the reserve and checkpoints the WAL into the
     * space it gave back.
     */
    private void enterDiskFull(String why) {
        if (diskFull) {
            return;
        }
        diskFull = true;
        diskFullSince = System.currentTimeMillis();
        refusedAtFull = refusedSoFar.getAsLong();
        long released = reserve.release();
        String wal = "no database open";
        if (db != null) {
            long before = db.walBytes();
            try {
                db.checkpoint();
                wal = "WAL checkpointed " + before + " -> " + db.walBytes() + " bytes";
            } catch (SQLException e) {
                wal = "WAL checkpoint failed (" + QueueDatabase.describe(e) + "), " + before + " bytes";
            }
        }
        if (available) {
            error = why;
        }
        available = false;
        Logger.error("store: DISK FULL in {} ({}): {} bytes free; released the {}-byte reserve so that deliveries and"
                        + " checkpoints can run ({}); routine messages are refused and alarms are kept (written when they"
                        + " fit, else in memory) until {} bytes are free again", directory(), why,
                reserve.usableBytes(), released, wal, reserve.size() + RECOVERY_MARGIN_BYTES);
    }

    /**
     * While the disk is full (maintenance tick): re-makes the reserve and ends the state if there is room for
     * it, else gives free pages of the database back to the file system.
     *
     * @return true if the disk just stopped being full
     */
    boolean recoverIfSpace() {
        if (!diskFull) {
            return false;
        }
        long refused = refusedSoFar.getAsLong();
        long usable = reserve.usableBytes();
        if (usable >= reserve.size() + RECOVERY_MARGIN_BYTES && reserve.make()) {
            long fullFor = System.currentTimeMillis() - diskFullSince;
            fullMillisEnded += fullFor;
            diskFull = false;
            Logger.info("store: disk space is back in {} ({} bytes free): reserve of {} bytes re-made, routine messages"
                            + " are accepted again after {} ms full; {} routine append(s) were refused meanwhile",
                    directory(), usable, reserve.size(), fullFor, refused - refusedAtFull);
            if (db != null) {
                available = true;
                error = "";
            }
            return true;
        }
        if (db != null) {
            try {
                if (db.freeBytes() > 0) {
                    long shrunk = db.shrinkBy(SHRINK_PAGES_PER_TICK);
                    if (shrunk > 0) {
                        Logger.info("store: disk full: gave {} bytes of delivered messages' pages back to the file"
                                + " system", shrunk);
                    }
                } else if (db.walBytes() > 0) {
                    db.checkpoint();
                }
            } catch (SQLException e) {
                Logger.debug("store: shrinking {} while the disk is full: {}", options.path(), e.getMessage());
            }
        }
        return false;
    }

    /** The database if it is open, without trying to open it. */
    QueueDatabase current() {
        return db;
    }

    /** False since the last failed open or write, until the next committed transaction; false while full. */
    boolean available() {
        return available && !diskFull;
    }

    /** Why the database is unavailable (or was, last), empty after a success. */
    String error() {
        return error;
    }

    /** A write transaction committed. @return true if the database had been unavailable until now */
    boolean committed() {
        if (diskFull) {
            return false; // alarms and deletes written into the reserve's space; routine still refused
        }
        boolean recovered = !available;
        available = true;
        error = "";
        return recovered;
    }

    /** A write transaction failed (not corruption: that is quarantined). */
    void writeFailed(SQLException e) {
        String msg = QueueDatabase.describe(e);
        if (isDiskFull(e)) {
            if (!diskFull) {
                error = msg;
                enterDiskFull(msg);
            }
            error = msg;
            return; // the connection stays: the next write simply retries
        }
        if (available || !msg.equals(error)) {
            Logger.error("store: write to {} failed: {}; alarms are kept in memory, routine messages are refused until"
                    + " it recovers", options.path(), msg);
        }
        available = false;
        error = msg;
        // A broken connection (I/O error) is reopened; a full disk keeps the connection and retries.
        if (db != null && !db.answers()) {
            close();
            nextOpenAttempt = System.currentTimeMillis() + options.retryInterval().toMillis();
        }
    }

    /**
     * The open file turned out corrupt: close it, salvage what it holds into a fresh file, move it aside, and
     * let the next use open the fresh one.
     *
     * @param queued how many messages the file held
     * @return what the salvage found, or null if the file could not be moved aside
     */
    Salvage.Report moveCorruptAside(SQLException e, long queued) {
        close();
        nextOpenAttempt = 0;
        try {
            return Quarantine.salvageAndMoveAside(options.path(), QueueDatabase.describe(e), queued);
        } catch (IOException io) {
            Logger.error(io, "store: cannot move the corrupt database {} aside", options.path());
            return null;
        }
    }

    void close() {
        if (db != null) {
            db.close();
        }
        db = null;
    }
}
