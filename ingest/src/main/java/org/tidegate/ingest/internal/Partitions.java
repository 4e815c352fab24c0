package org.tidegate.ingest.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.tinylog.Logger;

/**
 * The daily partitions of {@code readings} ({@code readings_YYYYMMDD}, UTC days). Created ahead of time
 * ({@link #ensureAhead}) and, for a backlog's past days within {@code daysBack}, on demand before a batch that needs
 * them ({@link #ensureFor}). A sample outside that window goes to the default partition {@code readings_other}; so
 * does one whose day could not get a partition (creating a partition fails when the default partition already
 * holds rows of that day: they stay there, still found by every query on {@code readings}).
 *
 * <p>{@code CREATE TABLE IF NOT EXISTS ... PARTITION OF} in autocommit, outside the batch's transaction. Two
 * processes creating the same day at once: the loser's error is logged and the day re-read.
 */
final class Partitions {
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final long DAY_MS = 86_400_000L;

    private final int daysAhead;
    private final int daysBack;
    private final Set<Long> present = new HashSet<>();
    private final Set<Long> refused = new HashSet<>();

    Partitions(int daysAhead, int daysBack) {
        this.daysAhead = daysAhead;
        this.daysBack = daysBack;
    }

    /** Reads which daily partitions exist. */
    void load(Connection c) throws SQLException {
        present.clear();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        + " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'readings'")) {
            while (r.next()) {
                String name = r.getString(1);
                if (name.matches("readings_\\d{8}")) {
                    present.add(LocalDate.parse(name.substring(9), NAME).toEpochDay());
                }
            }
        }
    }

    /** Today (UTC) and {@code daysAhead} days after it. */
    void ensureAhead(Connection c, long nowMillis) throws SQLException {
        long today = Math.floorDiv(nowMillis, DAY_MS);
        Set<Long> days = new TreeSet<>();
        for (long d = today; d <= today + daysAhead; d++) {
            days.add(d);
        }
        create(c, days);
    }

    /** The partitions for these sample times, as far as they lie within the window. */
    void ensureFor(Connection c, Collection<Long> sampleMillis, long nowMillis) throws SQLException {
        long today = Math.floorDiv(nowMillis, DAY_MS);
        Set<Long> days = new TreeSet<>();
        for (long t : sampleMillis) {
            long d = Math.floorDiv(t, DAY_MS);
            if (d >= today - daysBack && d <= today + daysAhead && !present.contains(d) && !refused.contains(d)) {
                days.add(d);
            }
        }
        create(c, days);
    }

    int count() {
        return present.size();
    }

    private void create(Connection c, Set<Long> days) throws SQLException {
        days.removeAll(present);
        if (days.isEmpty()) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (long d : days) {
                LocalDate day = LocalDate.ofEpochDay(d);
                String from = day.atStartOfDay().atOffset(ZoneOffset.UTC).toString();
                String to = day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC).toString();
                String sql = "CREATE TABLE IF NOT EXISTS readings_" + NAME.format(day) + " PARTITION OF readings"
                        + " FOR VALUES FROM ('" + from + "') TO ('" + to + "')";
                try {
                    s.execute(sql);
                    present.add(d);
                    Logger.info("ingest: partition readings_{} ready", NAME.format(day));
                } catch (SQLException e) {
                    // 23514: rows of that day are already in readings_other; 42P07/23505: another process made it
                    if ("23514".equals(e.getSQLState())) {
                        refused.add(d);
                        Logger.warn("ingest: no partition for {}: the default partition holds rows of that day ({});"
                                + " its samples stay in readings_other", day, e.getMessage());
                    } else if ("42P07".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
                        present.add(d);
                    } else {
                        throw e;
                    }
                }
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
