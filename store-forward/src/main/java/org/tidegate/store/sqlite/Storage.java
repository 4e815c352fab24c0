package org.tidegate.store.sqlite;

import java.io.IOException;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * The queue database as the writer sees it: open, or unavailable with the reason and the time of the next
 * attempt. Opening goes through {@link Quarantine} (a corrupt file is moved aside); a failed write either
 * keeps the connection (disk full: the next write simply retries) or closes it for a reopen after
 * {@code retryInterval} (I/O error, the file went away). Owned by the writer thread.
 */
final class Storage {
    private final QueueOptions options;
    /** Told about every database that opened, before it is used, to reset what the writer knew. */
    private final Consumer<QueueDatabase> whenOpened;
    private QueueDatabase db;
    private long nextOpenAttempt;
    private boolean available;
    private String error = "";

    Storage(QueueOptions options, Consumer<QueueDatabase> whenOpened) {
        this.options = options;
        this.whenOpened = whenOpened;
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
            String msg = QueueDatabase.describe(e);
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
        return db;
    }

    /** The database if it is open, without trying to open it. */
    QueueDatabase current() {
        return db;
    }

    /** False since the last failed open or write, until the next committed transaction. */
    boolean available() {
        return available;
    }

    /** Why the database is unavailable (or was, last), empty after a success. */
    String error() {
        return error;
    }

    /** A write transaction committed. @return true if the database had been unavailable until now */
    boolean committed() {
        boolean recovered = !available;
        available = true;
        error = "";
        return recovered;
    }

    /** A write transaction failed (not corruption: that is quarantined). */
    void writeFailed(SQLException e) {
        String msg = QueueDatabase.describe(e);
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
