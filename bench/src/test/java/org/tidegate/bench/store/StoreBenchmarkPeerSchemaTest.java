package org.tidegate.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * The raw-JDBC peer of {@code tidegate bench store} must insert into the same table with the same indexes as
 * the queue, or the ratio compares unequal work. Both files are real SQLite databases: one made by
 * {@link SqliteQueue}, one by the peer's DDL; their columns and indexes are read back from SQLite itself.
 */
class StoreBenchmarkPeerSchemaTest {
    @TempDir
    Path dir;

    @Test
    void peerHasTheQueuesColumnsAndIndexes() throws Exception {
        Path queueFile = dir.resolve("queue.db");
        SqliteQueue.open(QueueOptions.defaults(queueFile)).close();
        Path peerFile = dir.resolve("peer.db");
        try (Connection c = connect(peerFile); Statement st = c.createStatement()) {
            StoreBenchmark.createPeerSchema(st);
        }

        List<String> queue = describe(queueFile);
        List<String> peer = describe(peerFile);
        assertTrue(queue.stream().filter(l -> l.startsWith("index ")).count() >= 2,
                "the queue's schema has its two indexes: " + queue);
        assertEquals(queue, peer, "the peer's message table and indexes");
    }

    /** The message table's columns and every index on it with its columns, as SQLite reports them. */
    private static List<String> describe(Path file) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(file); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA table_info(message)")) {
                while (rs.next()) {
                    out.add("column " + rs.getString("name") + " " + rs.getString("type") + " notnull="
                            + rs.getInt("notnull") + " pk=" + rs.getInt("pk"));
                }
            }
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message' ORDER BY name")) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            for (String index : indexes) {
                StringBuilder cols = new StringBuilder();
                try (ResultSet rs = st.executeQuery("PRAGMA index_info(" + index + ")")) {
                    while (rs.next()) {
                        cols.append(' ').append(rs.getString("name"));
                    }
                }
                out.add("index " + index + ":" + cols);
            }
        }
        return out;
    }

    private static Connection connect(Path file) throws SQLException {
        return org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new Properties());
    }
}
