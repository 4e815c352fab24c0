package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.tinylog.Logger;

/**
 * Reads every readable message out of a damaged queue file into a fresh one, before the damaged file is moved
 * aside ({@link Quarantine}), and counts what could not be read.
 *
 * <h2>How</h2>
 * The damaged file is opened with a separate <em>read-only</em> connection (exclusive locking, so SQLite keeps
 * the WAL index in memory and never writes the file or its WAL; {@code cell_size_check} on, so damaged pages
 * are refused rather than misread). Rows are read in id order; a statement that fails (SQLITE_CORRUPT on a page)
 * does not end the salvage: the walk resumes above the failing id, and when the b-tree cannot be entered there
 * it jumps ahead by doubling steps and then narrows back (binary search) to the first id it can reach again.
 * A row whose columns cannot be read, or are not what the schema says (garbage that parsed), is skipped.
 *
 * <h2>How much was lost</h2>
 * The same tolerant walk runs over the index {@code message_by_priority} (it holds every row's id in pages of
 * its own). Ids the index knows that the table walk did not read are looked up one by one (salvaged if they can
 * be read, lost otherwise). If every index walk completed, the number lost is exact; otherwise it is a lower
 * bound ("at least"). At run time the writer knows how many messages the file held, so there it is exact.
 *
 * <h2>Crash safety</h2>
 * The salvaged rows go to {@code <name>.salvage} (rollback-journal mode, one transaction, synchronous=FULL),
 * which is closed before the damaged file is moved aside and then renamed into its place. A crash before the
 * move repeats the salvage at the next open (the scratch file is rewritten); a crash between the move and the
 * rename leaves no database but a complete scratch file, which {@link #completeInterrupted} puts in place.
 */
final class Salvage {
    private static final String COLUMNS = "id, priority, sequence, created_at, attempts, topic, payload";

    /**
     * What a salvage found.
     *
     * @param movedAside   where the damaged file went (null if it could not be moved)
     * @param salvaged     messages copied into the fresh database
     * @param lost         messages known to have been in the file that could not be read
     * @param lostExact    false if {@code lost} is a lower bound
     * @param idCeiling    the damaged file's {@code sqlite_sequence} (highest id given out), 0 if unreadable
     * @param readErrors   statements or rows that failed while reading
     * @param problem      the first read error, or why the salvage failed, or empty
     */
    record Report(Path movedAside, long salvaged, long lost, boolean lostExact, long idCeiling, long readErrors,
                  String problem) {
        String lostText() {
            return lostExact ? Long.toString(lost) : "at least " + lost;
        }
    }

    /** Thrown when writing the fresh file fails (as opposed to reading the damaged one, which is tolerated). */
    private static final class TargetFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TargetFailed(SQLException cause) {
            super(cause);
        }
    }

    @FunctionalInterface
    private interface RowSink {
        void row(ResultSet rs) throws SQLException;
    }

    private final Connection src;
    private final PreparedStatement insert;
    private final LongList salvagedIds = new LongList();
    private long salvaged;
    private long readErrors;
    private String firstError = "";
    private long maxId;

    private Salvage(Connection src, Connection dst) throws SQLException {
        this.src = src;
        this.insert = dst.prepareStatement("INSERT OR IGNORE INTO message (id, priority, sequence, created_at,"
                + " attempts, size, topic, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    }

    static Path scratchFor(Path file) {
        Path abs = file.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + ".salvage");
    }

    /**
     * A crash between moving a damaged file aside and renaming the salvaged one into its place left no database
     * but a complete scratch file: put it in place. (A scratch file with a hot journal is from a salvage that
     * did not finish, while the damaged file was still there: it is left for the next salvage to overwrite.)
     */
    static void completeInterrupted(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path scratch = scratchFor(abs);
        if (Files.exists(scratch) && !Files.exists(abs) && !Files.exists(sibling(abs, "-wal"))
                && !Files.exists(sibling(scratch, "-journal"))) {
            install(scratch, abs);
            Logger.warn("store: completed an interrupted salvage: {} is now {}", scratch, abs);
        }
    }

    /**
     * Copies every readable message of the damaged {@code file} into a fresh {@code <file>.salvage}. Does not
     * touch the damaged file.
     *
     * @param knownQueued how many messages the file held, if known (run time), or -1
     * @throws SQLException if the fresh file cannot be written (disk full, ...): nothing was salvaged
     */
    static Report copyReadable(Path file, long knownQueued) throws SQLException, IOException {
        Path abs = file.toAbsolutePath();
        Path scratch = scratchFor(abs);
        Files.deleteIfExists(scratch);
        Files.deleteIfExists(sibling(scratch, "-journal"));
        Connection dst = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + scratch, new Properties());
        try {
            try (Statement st = dst.createStatement()) {
                st.execute("PRAGMA journal_mode=DELETE");
                st.execute("PRAGMA synchronous=FULL");
                QueueDatabase.createSchema(st);
            }
            dst.setAutoCommit(false);
            Report r;
            Connection src = null;
            try {
                src = openReadOnly(abs);
                r = new Salvage(src, dst).run(knownQueued);
            } catch (SQLException unreadable) {
                // Not even the schema could be read: nothing to salvage, and no idea how much was there.
                String why = QueueDatabase.describe(unreadable);
                r = new Report(null, 0, Math.max(0, knownQueued), knownQueued >= 0, 0, 1, why);
            } catch (TargetFailed t) {
                throw (SQLException) t.getCause();
            } finally {
                if (src != null) {
                    closeQuietly(src);
                }
            }
            try (Statement st = dst.createStatement()) {
                long ceiling = r.idCeiling();
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM message")) {
                    ceiling = Math.max(ceiling, rs.next() ? rs.getLong(1) : 0);
                }
                if (ceiling > 0) {
                    QueueDatabase.raiseIdCeiling(st, ceiling); // ids of the damaged file are never given out again
                }
            }
            dst.commit();
            return r;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(dst);
            dst = null;
            Files.deleteIfExists(scratch);
            Files.deleteIfExists(sibling(scratch, "-journal"));
            throw e;
        } finally {
            if (dst != null) {
                closeQuietly(dst);
            }
        }
    }

    /** Renames the scratch file into the database's place and makes the rename durable. */
    static void install(Path scratch, Path file) throws IOException {
        Files.move(scratch, file, StandardCopyOption.ATOMIC_MOVE);
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }

    private static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, config.toProperties());
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA cell_size_check=ON");
            st.execute("PRAGMA query_only=ON");
            st.executeQuery("SELECT count(*) FROM sqlite_master").close(); // reads the schema: fails on garbage
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    // ------------------------------------------------------------------ the walk

    private Report run(long knownQueued) throws SQLException {
        long idCeiling = 0;
        try (Statement st = src.createStatement()) {
            idCeiling = QueueDatabase.readIdCeiling(st);
        } catch (SQLException e) {
            noteError(e);
        }
        walk("message", "", COLUMNS, this::copy);
        // Which ids existed, from the index's own pages; every index walk complete means the count is exact.
        LongList indexIds = new LongList();
        boolean indexComplete = true;
        for (int p = 0; p < QueueDatabase.PRIORITIES; p++) {
            indexComplete &= walk("message INDEXED BY message_by_priority", "priority = " + p + " AND ", "id",
                    rs -> indexIds.add(rs.getLong(1)));
        }
        long[] have = salvagedIds.sorted();
        long lost = 0;
        for (long id : indexIds.sorted()) {
            if (Arrays.binarySearch(have, id) >= 0) {
                continue;
            }
            long before = salvaged;
            // A statement of its own per attempt: one that failed can keep failing after a reset.
            try (PreparedStatement one = src.prepareStatement("SELECT " + COLUMNS + " FROM message WHERE id = ?")) {
                one.setLong(1, id);
                try (ResultSet rs = one.executeQuery()) {
                    if (rs.next()) {
                        copy(rs);
                    }
                }
            } catch (SQLException e) {
                noteError(e);
            }
            lost += salvaged == before ? 1 : 0;
        }
        boolean exact = indexComplete;
        if (knownQueued >= 0) {
            lost = Math.max(0, knownQueued - salvaged);
            exact = true;
        }
        return new Report(null, salvaged, lost, exact, Math.max(idCeiling, maxId), readErrors, firstError);
    }

    /**
     * Walks the rows of {@code from} with ids above 0, in id order, through every error it can get past.
     *
     * @return true if it met no error
     */
    private boolean walk(String from, String where, String columns, RowSink sink) {
        String first = "SELECT id FROM " + from + " WHERE " + where + "id > ? ORDER BY id LIMIT 1";
        String scanSql = "SELECT " + columns + " FROM " + from + " WHERE " + where + "id >= ? ORDER BY id";
        long errorsBefore = readErrors;
        long after = 0;
        while (true) {
            Long next;
            try {
                next = firstAbove(first, after);
            } catch (SQLException e) {
                noteError(e);
                next = jumpPast(first, after);
            }
            if (next == null) {
                break;
            }
            if (next <= after) { // a damaged tree answered out of order: step over it
                noteError(new SQLException("ids out of order after " + after));
                after++;
                continue;
            }
            long start = next;
            try (PreparedStatement scan = src.prepareStatement(scanSql)) {
                scan.setLong(1, start);
                try (ResultSet rs = scan.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (id <= after) {
                            throw new SQLException("ids out of order at " + id);
                        }
                        after = id;
                        try {
                            sink.row(rs);
                        } catch (SQLException rowFailed) {
                            noteError(rowFailed);
                        }
                    }
                }
                break;
            } catch (SQLException e) {
                noteError(e);
                after = Math.max(after, start); // the row at start itself could not be read
            }
        }
        return readErrors == errorsBefore;
    }

    /** A statement of its own per attempt: one that failed can keep failing after a reset. */
    private Long firstAbove(String sql, long after) throws SQLException {
        try (PreparedStatement first = src.prepareStatement(sql)) {
            first.setLong(1, after);
            try (ResultSet rs = first.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * The tree cannot be entered above {@code after}: probe {@code after + 1, + 2, + 4, …} until a probe
     * succeeds, then narrow down to the lowest probe that succeeds, so that good pages just past the damaged
     * ones are not skipped. @return the first id reachable again, or null if none
     */
    private Long jumpPast(String first, long after) {
        long bad = after;
        for (long step = 1; step > 0 && after + step > after; step <<= 1) {
            long probe = after + step;
            Long found;
            try {
                found = firstAbove(first, probe);
            } catch (SQLException e) {
                bad = probe;
                continue;
            }
            long lo = bad;
            long hi = probe;
            while (hi - lo > 1) {
                long mid = lo + (hi - lo) / 2;
                try {
                    found = firstAbove(first, mid);
                    hi = mid;
                } catch (SQLException e) {
                    lo = mid;
                }
            }
            return found;
        }
        return null;
    }

    /** Copies one row if its columns are what the schema says. */
    private void copy(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        Object priority = rs.getObject(2);
        Object sequence = rs.getObject(3);
        Object createdAt = rs.getObject(4);
        Object attempts = rs.getObject(5);
        Object topic = rs.getObject(6);
        Object payload = rs.getObject(7);
        if (!(priority instanceof Number p) || p.longValue() < 0 || p.longValue() >= QueueDatabase.PRIORITIES
                || !(sequence instanceof Number seq) || !(createdAt instanceof Number created)
                || !(topic instanceof String t) || !(payload instanceof byte[] body)) {
            throw new SQLException("row " + id + " is damaged (unexpected column types)");
        }
        int tries = attempts instanceof Number a ? (int) Math.max(0, Math.min(Integer.MAX_VALUE, a.longValue())) : 0;
        try {
            insert.setLong(1, id);
            insert.setInt(2, p.intValue());
            insert.setLong(3, seq.longValue());
            insert.setLong(4, created.longValue());
            insert.setInt(5, tries);
            insert.setLong(6, t.getBytes(StandardCharsets.UTF_8).length + (long) body.length);
            insert.setString(7, t);
            insert.setBytes(8, body);
            if (insert.executeUpdate() == 1) {
                salvaged++;
                salvagedIds.add(id);
                maxId = Math.max(maxId, id);
            }
        } catch (SQLException e) {
            throw new TargetFailed(e);
        }
    }

    private void noteError(SQLException e) {
        readErrors++;
        if (firstError.isEmpty()) {
            firstError = QueueDatabase.describe(e);
        }
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(p.getFileName() + suffix);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // a damaged file may refuse even this; nothing was written to it
        }
    }

    /** A growable list of longs (a salvage may see a million ids). */
    private static final class LongList {
        private long[] values = new long[256];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] sorted() {
            long[] out = Arrays.copyOf(values, size);
            Arrays.sort(out);
            return out;
        }
    }
}
