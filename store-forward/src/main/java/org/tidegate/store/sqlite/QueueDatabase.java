package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoredMessage;
import org.tinylog.Logger;

/**
 * The storage core: the queue's one SQLite connection, its schema, its statements and its transactions.
 * No threads and no policy (what to evict, when to retry, what to do with a corrupt file live elsewhere);
 * not thread-safe, because exactly one thread, the {@link QueueWriter}, ever uses it.
 *
 * <p>The file is in WAL mode with {@code locking_mode=EXCLUSIVE}: no {@code -shm} file, and a second
 * process gets "database is locked" instead of silently sharing the queue. Ids come from
 * {@code AUTOINCREMENT} because the in-flight cursors ({@link Backlog}) rely on ids never being reused.
 */
final class QueueDatabase implements AutoCloseable {
    static final int PRIORITIES = StoreAndForwardQueue.MAX_PRIORITY + 1;
    /**
     * The WAL bound. SQLite checkpoints by itself once the WAL holds {@link #WAL_AUTOCHECKPOINT_PAGES} pages
     * (~1 MiB at 4 KiB pages, instead of the default 1 000 pages, ~4 MiB), and {@code journal_size_limit}
     * truncates the file back to this size after a checkpoint; the writer also checkpoints explicitly when the
     * file is larger ({@link #walBytes()}) and after a drain empties the queue. So the WAL stays near this
     * size plus one transaction, and a checkpoint never needs more free space than the store's reserve.
     */
    static final long WAL_LIMIT_BYTES = 1L << 20;
    static final int WAL_AUTOCHECKPOINT_PAGES = 256;

    /** A row as the accounting needs it: its id, priority and counted size (topic + payload bytes). */
    record Row(long id, int priority, long size) {
    }

    /** A row found by a purge query: enough to tell whether it is in flight. */
    record RowKey(long id, int priority) {
    }

    /** The body of one write transaction. */
    @FunctionalInterface
    interface TransactionBody {
        void run() throws SQLException;
    }

    /** {@code PRAGMA quick_check} did not say "ok": the file is damaged although SQLite could open it. */
    static final class QuickCheckFailed extends SQLException {
        private static final long serialVersionUID = 1L;

        QuickCheckFailed(String message) {
            super(message);
        }
    }

    private final Path file;
    private final Synchronous synchronous;
    private final Connection conn;
    private final PreparedStatement insert;
    private final PreparedStatement deleteById;
    private final PreparedStatement pendingAfter;
    private final PreparedStatement idsAfter;
    private final long[] depthAtOpen;
    private final long bytesAtOpen;
    private final long maxSequenceAtOpen;
    private long idCeilingAtOpen;
    /**
     * The last id given out: what AUTOINCREMENT would start from ({@code sqlite_sequence}, or the largest id if
     * larger). The writer names each new row's id itself instead of asking SQLite for it ({@code RETURNING id}
     * cost ~15% of an append's CPU): the one exclusive connection is the only writer, so the ids are exactly
     * AUTOINCREMENT's, and an explicit id above {@code sqlite_sequence} raises it in the same transaction, so an
     * id is never given out twice, across crashes too. A rolled-back transaction gives its ids back.
     */
    private long lastId;
    private Salvage.Report salvageAtOpen;

    private QueueDatabase(Path file, Synchronous synchronous, Connection conn, long[] depthAtOpen, long bytesAtOpen,
                          long maxSequenceAtOpen) throws SQLException {
        this.file = file;
        this.synchronous = synchronous;
        this.conn = conn;
        this.depthAtOpen = depthAtOpen;
        this.bytesAtOpen = bytesAtOpen;
        this.maxSequenceAtOpen = maxSequenceAtOpen;
        this.insert = conn.prepareStatement("INSERT INTO message (id, priority, sequence, created_at, attempts, size,"
                + " topic, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        this.deleteById = conn.prepareStatement("DELETE FROM message WHERE id = ? RETURNING priority, size");
        this.pendingAfter = conn.prepareStatement("SELECT id, topic, sequence, created_at, attempts, payload"
                + " FROM message WHERE priority = ? AND id > ? ORDER BY id LIMIT ?");
        this.idsAfter = conn.prepareStatement("SELECT id FROM message WHERE priority = ? AND id > ? ORDER BY id LIMIT ?");
    }

    /**
     * Opens (or creates) the database file, checks it with {@code quick_check}, creates the schema and
     * reads what is queued. A damaged file throws {@link QuickCheckFailed} or an SQLException with
     * SQLITE_CORRUPT / SQLITE_NOTADB; deciding what to do about it is {@link Quarantine}'s job.
     */
    static QueueDatabase open(Path file, Synchronous synchronous) throws SQLException, IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Nothing to damage: no file (or an empty one) and no WAL with content.
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        boolean fresh = (!Files.exists(file) || Files.size(file) == 0) && (!Files.exists(wal) || Files.size(wal) == 0);
        // The driver class directly, not DriverManager: inside OSGi DriverManager cannot see other bundles' drivers.
        Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file.toAbsolutePath(), new Properties());
        try (Statement st = c.createStatement()) {
            // Exclusive locking before WAL: no -shm file, and a second process gets SQLITE_BUSY, not a shared queue.
            st.execute("PRAGMA locking_mode=EXCLUSIVE");
            if (fresh) {
                // Only on a new file, before WAL and the first table (it takes effect only then; on an existing
                // file even a no-op setting can write page 1, and a damaged file must never be written): lets a
                // full disk be given back by shrinking the file once delivered messages have freed its pages
                // (shrinkBy). Files created before keep auto_vacuum=NONE.
                st.execute("PRAGMA auto_vacuum=INCREMENTAL");
            }
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException("cannot switch " + file + " to WAL mode (got " + mode + ")");
                }
            }
            st.execute("PRAGMA synchronous=" + synchronous.name());
            // A bounded WAL (see WAL_LIMIT_BYTES): a full disk must never find a WAL that grew into all free space.
            st.execute("PRAGMA journal_size_limit=" + WAL_LIMIT_BYTES);
            st.execute("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
            // Before the schema is touched: a damaged file must be moved aside, not written to.
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                String verdict = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new QuickCheckFailed("quick_check: " + verdict);
                }
            }
            createSchema(st);
            long[] depth = new long[PRIORITIES];
            long bytes = 0;
            try (ResultSet rs = st.executeQuery(
                    "SELECT priority, count(*), coalesce(sum(size), 0) FROM message GROUP BY priority")) {
                while (rs.next()) {
                    depth[rs.getInt(1)] = rs.getLong(2);
                    bytes += rs.getLong(3);
                }
            }
            long maxSequence;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(sequence), 0) FROM message")) {
                maxSequence = rs.next() ? rs.getLong(1) : 0;
            }
            QueueDatabase db = new QueueDatabase(file, synchronous, c, depth, bytes, maxSequence);
            db.idCeilingAtOpen = readIdCeiling(st);
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM message")) {
                db.lastId = Math.max(db.idCeilingAtOpen, rs.next() ? rs.getLong(1) : 0);
            }
            return db;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** The queue's schema; also used for the fresh file a salvage writes ({@link Salvage}). */
    static void createSchema(Statement st) throws SQLException {
        // A rollback-journal file without tables (the salvage's scratch file) gets auto_vacuum here; a queue file
        // gets it in open(), before the switch to WAL (after it, the setting no longer takes effect).
        boolean empty;
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
            empty = rs.next() && rs.getLong(1) == 0;
        }
        if (empty) {
            st.execute("PRAGMA auto_vacuum=INCREMENTAL");
        }
        st.execute("CREATE TABLE IF NOT EXISTS message ("
                + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 9),"
                + " sequence INTEGER NOT NULL,"
                + " created_at INTEGER NOT NULL,"
                + " attempts INTEGER NOT NULL DEFAULT 0,"
                + " size INTEGER NOT NULL,"
                + " topic TEXT NOT NULL,"
                + " payload BLOB NOT NULL)");
        st.execute("CREATE INDEX IF NOT EXISTS message_by_priority ON message(priority, id)");
        st.execute("CREATE INDEX IF NOT EXISTS message_by_created ON message(created_at)");
    }

    /** The highest id ever given out ({@code sqlite_sequence}, which deletes do not lower); 0 if none. */
    static long readIdCeiling(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'message'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Sets {@code sqlite_sequence} to at least {@code ceiling}, so that ids up to it are never given out again. */
    static void raiseIdCeiling(Statement st, long ceiling) throws SQLException {
        st.executeUpdate("UPDATE sqlite_sequence SET seq = " + ceiling + " WHERE name = 'message' AND seq < " + ceiling);
        st.executeUpdate("INSERT INTO sqlite_sequence (name, seq) SELECT 'message', " + ceiling
                + " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'message')");
    }

    /** Raises the id ceiling of this database (after ids were found missing at open), in its own transaction. */
    void raiseIdCeiling(long ceiling) throws SQLException {
        transaction(false, () -> {
            try (Statement st = conn.createStatement()) {
                raiseIdCeiling(st, ceiling);
            }
        });
        idCeilingAtOpen = Math.max(idCeilingAtOpen, ceiling);
        lastId = Math.max(lastId, ceiling);
    }

    Path file() {
        return file;
    }

    /** {@code sqlite_sequence} of the message table when the file was opened: the highest id ever committed. */
    long idCeilingAtOpen() {
        return idCeilingAtOpen;
    }

    /** What {@link Quarantine} found and salvaged before this (fresh) file was opened; null if nothing. */
    Salvage.Report salvageAtOpen() {
        return salvageAtOpen;
    }

    void salvageAtOpen(Salvage.Report report) {
        this.salvageAtOpen = report;
    }

    Synchronous synchronous() {
        return synchronous;
    }

    /** Messages queued per priority when the file was opened. */
    long[] depthAtOpen() {
        return depthAtOpen.clone();
    }

    long messagesAtOpen() {
        long n = 0;
        for (long d : depthAtOpen) {
            n += d;
        }
        return n;
    }

    /** Topic + payload bytes queued when the file was opened. */
    long bytesAtOpen() {
        return bytesAtOpen;
    }

    /** The highest envelope sequence number queued when the file was opened (0 if none). */
    long maxSequenceAtOpen() {
        return maxSequenceAtOpen;
    }

    /**
     * Runs {@code body} as one {@code BEGIN IMMEDIATE … COMMIT}; rolls back if it throws an SQLException.
     * At {@code synchronous=NORMAL} a transaction holding an alarm is committed at FULL, so that an alarm
     * that returned survives a power cut at every level; the level is set back afterwards.
     */
    void transaction(boolean holdsAlarm, TransactionBody body) throws SQLException {
        boolean escalate = synchronous == Synchronous.NORMAL && holdsAlarm;
        try (Statement st = conn.createStatement()) {
            if (escalate) {
                st.execute("PRAGMA synchronous=FULL");
            }
            st.execute("BEGIN IMMEDIATE");
            long lastIdBefore = lastId;
            try {
                body.run();
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                lastId = lastIdBefore; // the rolled-back rows' ids were never given out
                rollbackQuietly();
                throw e;
            } finally {
                if (escalate) {
                    try (Statement back = conn.createStatement()) {
                        back.execute("PRAGMA synchronous=NORMAL");
                    } catch (SQLException ignored) {
                        // the connection is broken; the next open sets the level again
                    }
                }
            }
        }
    }

    Row insert(String topic, int priority, long sequence, long createdAt, int attempts, byte[] payload)
            throws SQLException {
        long size = topicBytes(topic) + payload.length;
        long id = lastId + 1;
        insert.setLong(1, id);
        insert.setInt(2, priority);
        insert.setLong(3, sequence);
        insert.setLong(4, createdAt);
        insert.setInt(5, attempts);
        insert.setLong(6, size);
        insert.setString(7, topic);
        insert.setBytes(8, payload);
        insert.executeUpdate();
        lastId = id; // only once the row is in (a failed insert gives nothing out)
        return new Row(id, priority, size);
    }

    /** @return the deleted row, or null if there was none with this id */
    Row delete(long id) throws SQLException {
        deleteById.setLong(1, id);
        try (ResultSet rs = deleteById.executeQuery()) {
            return rs.next() ? new Row(id, rs.getInt(1), rs.getLong(2)) : null;
        }
    }

    /** Adds the attempt increments of handed-out rows, skipping ids that this transaction deletes. */
    void addAttempts(Map<Long, Integer> increments, Set<Long> skip) throws SQLException {
        try (PreparedStatement bump = conn.prepareStatement("UPDATE message SET attempts = attempts + ? WHERE id = ?")) {
            for (Map.Entry<Long, Integer> e : increments.entrySet()) {
                if (skip.contains(e.getKey())) {
                    continue;
                }
                bump.setInt(1, e.getValue());
                bump.setLong(2, e.getKey());
                bump.executeUpdate();
            }
        }
    }

    /**
     * Up to {@code limit} rows of one priority with ids above {@code afterId}, oldest first, with the
     * attempt counts as stored (not counting increments that are not written yet).
     */
    List<StoredMessage> readAfter(int priority, long afterId, int limit) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        pendingAfter.setInt(1, priority);
        pendingAfter.setLong(2, afterId);
        pendingAfter.setInt(3, limit);
        try (ResultSet rs = pendingAfter.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredMessage(rs.getLong(1), rs.getString(2), priority, rs.getLong(3), rs.getLong(4),
                        rs.getInt(5), rs.getBytes(6)));
            }
        }
        return out;
    }

    /** Up to {@code limit} ids of one priority above {@code afterId}, oldest first (eviction candidates). */
    List<Long> idsAfter(int priority, long afterId, int limit) throws SQLException {
        List<Long> ids = new ArrayList<>();
        idsAfter.setInt(1, priority);
        idsAfter.setLong(2, afterId);
        idsAfter.setInt(3, limit);
        try (ResultSet rs = idsAfter.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Up to {@code limit} rows created before {@code cutoff}, oldest first (max-age candidates). */
    List<RowKey> createdBefore(long cutoff, int limit) throws SQLException {
        List<RowKey> rows = new ArrayList<>();
        try (PreparedStatement select = conn.prepareStatement(
                "SELECT id, priority FROM message WHERE created_at < ? ORDER BY created_at LIMIT " + limit)) {
            select.setLong(1, cutoff);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new RowKey(rs.getLong(1), rs.getInt(2)));
                }
            }
        }
        return rows;
    }

    /** @return the smallest created_at queued, or null if the table is empty */
    Long oldestCreatedAt() throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(created_at) FROM message")) {
            return rs.next() && rs.getObject(1) != null ? rs.getLong(1) : null;
        }
    }

    /** Size of the {@code -wal} file now (0 if there is none). */
    long walBytes() {
        try {
            return Files.size(file.resolveSibling(file.getFileName() + "-wal"));
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * {@code PRAGMA wal_checkpoint(TRUNCATE)}: copies the WAL into the database file and truncates the WAL to
     * zero bytes. With the one exclusive connection there is no reader to wait for, so it completes unless the
     * database file cannot grow (disk full: then it throws, and the WAL is left as it was — still consistent).
     *
     * @return the WAL size before the checkpoint
     */
    long checkpoint() throws SQLException {
        long before = walBytes();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (rs.next() && rs.getInt(1) != 0) {
                throw new SQLException("wal_checkpoint(TRUNCATE) of " + file + " was blocked");
            }
        }
        return before;
    }

    /** Bytes of free pages inside the file (given back to the file system only by {@link #shrinkBy}). */
    long freeBytes() throws SQLException {
        return pragmaLong("freelist_count") * pragmaLong("page_size");
    }

    /**
     * Gives up to {@code maxPages} free pages back to the file system ({@code incremental_vacuum}), then
     * checkpoints so the file really shrinks. Only for files created with {@code auto_vacuum=INCREMENTAL};
     * does nothing on others.
     *
     * @return the bytes the database file shrank by
     */
    long shrinkBy(int maxPages) throws SQLException {
        if (pragmaLong("auto_vacuum") != 2) {
            return 0;
        }
        long before = fileBytes();
        long pages = Math.min(maxPages, pragmaLong("freelist_count"));
        // sqlite-jdbc steps a statement without result columns once, and each step of incremental_vacuum
        // frees one page: so one statement per page, all in one transaction (one commit, one fsync).
        transaction(false, () -> {
            try (Statement st = conn.createStatement()) {
                for (long i = 0; i < pages; i++) {
                    st.execute("PRAGMA incremental_vacuum(1)");
                }
            }
        });
        checkpoint();
        return Math.max(0, before - fileBytes());
    }

    private long fileBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private long pragmaLong(String pragma) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * True if the connection still answers. After a failed write this tells a full disk (keep the
     * connection, retry) from an I/O error that broke it (close and reopen).
     */
    boolean answers() {
        try (Statement st = conn.createStatement()) {
            st.executeQuery("SELECT 1").close();
            return true;
        } catch (SQLException dead) {
            return false;
        }
    }

    @Override
    public void close() {
        closeQuietly(conn);
    }

    /** A storage error on one line, for logs and {@code QueueStats.storageError()}. */
    static String describe(Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        if (e instanceof FileAlreadyExistsException) {
            return "cannot create directory " + m + ": a file is in the way";
        }
        return e instanceof SQLException ? m : e.getClass().getSimpleName() + ": " + m;
    }

    static long topicBytes(String topic) {
        return topic.getBytes(StandardCharsets.UTF_8).length;
    }

    private void rollbackQuietly() {
        try (Statement st = conn.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing to undo then
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            Logger.warn("store: closing the database: {}", e.getMessage());
        }
    }
}
