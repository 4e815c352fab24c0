package org.tidegate.ingest.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * The {@code audit} table over time, outside the batches' transactions: the summary rows of refusals counted over the
 * rate limit ({@link AuditLimiter}), and the purge of rows older than the retention.
 */
final class AuditMaintenance {
    /** Rows deleted per transaction: a purge after a long flood neither holds locks long nor grows the WAL at once. */
    static final int PURGE_CHUNK = 10_000;
    private static final String SUMMARY = "INSERT INTO audit (received_at, topic, reason, claimed_sender, detail, frame,"
            + " suppressed) VALUES (?, '', ?, '', ?, '\\x'::bytea, ?)";
    private static final String PURGE = "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE received_at < ?"
            + " LIMIT " + PURGE_CHUNK + ")";

    private AuditMaintenance() {
    }

    /** One row per reason, in one transaction (the connection is not in autocommit), committed here. */
    static void writeSummaries(Connection db, List<AuditLimiter.Summary> summaries, long now) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(SUMMARY)) {
            Timestamp t = new Timestamp(now);
            for (AuditLimiter.Summary s : summaries) {
                ps.setTimestamp(1, t);
                ps.setString(2, s.reason());
                ps.setString(3, AuditRecord.text(s.detail(), AuditRecord.DETAIL_CHARS));
                ps.setLong(4, s.count());
                ps.addBatch();
            }
            ps.executeBatch();
            db.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the connection is probably gone; the first failure is the one to report
            }
            throw e;
        }
    }

    /**
     * Deletes the rows received before {@code cutoff}, {@value #PURGE_CHUNK} at a time, each chunk its own
     * transaction (index {@code audit_time}). Two processes purging at once only wait for each other's chunk.
     *
     * @return how many rows were deleted
     */
    static long purge(Connection db, long cutoffMillis) throws SQLException {
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(true);
        long purged = 0;
        try (PreparedStatement ps = db.prepareStatement(PURGE)) {
            ps.setTimestamp(1, new Timestamp(cutoffMillis));
            int n;
            do {
                n = ps.executeUpdate();
                purged += n;
            } while (n == PURGE_CHUNK);
        } finally {
            db.setAutoCommit(auto);
        }
        return purged;
    }
}
