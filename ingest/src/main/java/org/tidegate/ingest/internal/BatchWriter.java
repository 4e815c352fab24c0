package org.tidegate.ingest.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.tidegate.ingest.ReadingsCopy;

/**
 * Stores one batch in one transaction, exactly once per envelope:
 * <ol>
 *   <li>the accepted envelopes' keys go into {@code envelopes_seen} with {@code INSERT … SELECT FROM unnest(…)
 *       ON CONFLICT DO NOTHING RETURNING gateway, seq}: what comes back is new, everything else is a repeat (a
 *       redelivery, the same message at another ingest process, a gateway re-sending after a crash) and stores
 *       nothing. Keys are inserted in (gateway, seq) order, so two processes with overlapping batches wait for each
 *       other instead of deadlocking;</li>
 *   <li>the new envelopes' readings with one binary {@code COPY} ({@link ReadingsCopy}), their alarm events,
 *       alarm episodes, status and replies;</li>
 *   <li>the refused messages into {@code audit}, bounded ({@link AuditRecord}: the frame's first
 *       {@value AuditRecord#FRAME_BYTES} bytes, its length and SHA-256), those the audit rate limit let through
 *       ({@link Verified#auditRow()}); the others are only counted ({@link AuditLimiter});</li>
 *   <li>commit. Only then does the caller acknowledge the batch's messages to the broker.</li>
 * </ol>
 * A failure rolls the whole transaction back: nothing of the batch is stored and nothing acknowledged.
 * One connection, one thread.
 */
final class BatchWriter {
    private static final long DAY_MS = 86_400_000L;
    private static final String SEEN = "INSERT INTO envelopes_seen (gateway, seq, content_type, created_at, received_at)"
            + " SELECT g, s, t, timestamptz 'epoch' + c * interval '1 millisecond', ?"
            + " FROM unnest(?::text[], ?::bigint[], ?::smallint[], ?::bigint[]) AS k(g, s, t, c)"
            + " ON CONFLICT DO NOTHING RETURNING gateway, seq";
    private static final String EVENT = "INSERT INTO events (gateway, seq, device, kind, event, state, event_time, body,"
            + " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT DO NOTHING";
    private static final String RAISE_AFTER_CLEAR = "UPDATE alarms SET raised_at = ?, raised_seq = ?,"
            + " raised_value = ?::jsonb WHERE id = (SELECT id FROM alarms WHERE gateway = ? AND device = ? AND event = ?"
            + " AND raised_at IS NULL AND cleared_at >= ? ORDER BY cleared_at LIMIT 1)";
    private static final String RAISE = "INSERT INTO alarms (gateway, device, event, channel, severity, raised_at,"
            + " raised_seq, raised_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
            + " ON CONFLICT (gateway, device, event) WHERE cleared_at IS NULL DO NOTHING";
    private static final String CLEAR = "UPDATE alarms SET cleared_at = ?, cleared_seq = ?, cleared_value = ?::jsonb"
            + " WHERE gateway = ? AND device = ? AND event = ? AND cleared_at IS NULL AND raised_at <= ?";
    private static final String CLEAR_UNRAISED = "INSERT INTO alarms (gateway, device, event, channel, severity,"
            + " cleared_at, cleared_seq, cleared_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)";
    private static final String STATUS = "UPDATE gateways SET last_status = ?::jsonb, last_status_seq = ?,"
            + " last_status_at = ? WHERE id = ? AND (last_status_seq IS NULL OR last_status_seq < ?)";
    private static final String REPLY = "INSERT INTO replies (gateway, seq, command_seq, body, received_at)"
            + " VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT DO NOTHING";
    private static final String AUDIT = "INSERT INTO audit (received_at, topic, reason, claimed_sender, claimed_seq,"
            + " detail, frame, frame_length, frame_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** What one batch did: {@code refused} messages of which {@code audited} got an audit row. */
    record Result(int stored, int duplicates, int refused, int audited, int rows) {
    }

    private record Key(String gateway, long seq) {
    }

    private final Connection db;
    private final Partitions partitions;

    BatchWriter(Connection db, Partitions partitions) {
        this.db = db;
        this.partitions = partitions;
    }

    Result write(List<Verified> batch, long now) throws SQLException {
        List<Verified> accepted = new ArrayList<>();
        List<Verified> refused = new ArrayList<>();
        Set<Long> sampleDays = new HashSet<>(); // one sample time per UTC day: what the partitions depend on
        for (Verified v : batch) {
            (v.isAccepted() ? accepted : refused).add(v);
            if (v.isAccepted() && v.decoded() instanceof Decoded.Telemetry t) {
                long lastDay = Long.MIN_VALUE;
                for (Reading r : t.readings()) {
                    long day = Math.floorDiv(r.timeMillis(), DAY_MS);
                    if (day != lastDay) {
                        sampleDays.add(day * DAY_MS);
                        lastDay = day;
                    }
                }
            }
        }
        partitions.ensureFor(db, sampleDays, now);
        accepted.sort(Comparator.comparing((Verified v) -> v.opened().sender()).thenComparingLong(v -> v.opened().sequence()));
        Timestamp received = new Timestamp(now);
        try {
            Set<Key> fresh = claim(accepted, received);
            int rows = 0;
            int duplicates = 0;
            int stored = 0;
            List<Verified> others = new ArrayList<>();
            List<Verified> telemetry = new ArrayList<>();
            for (Verified v : accepted) {
                // remove: the same envelope twice in one batch is stored once
                if (!fresh.remove(new Key(v.opened().sender(), v.opened().sequence()))) {
                    duplicates++;
                    continue;
                }
                stored++;
                if (v.decoded() instanceof Decoded.Telemetry t) {
                    if (!t.readings().isEmpty()) {
                        telemetry.add(v);
                    }
                    rows += t.readings().size();
                } else {
                    others.add(v);
                }
            }
            if (!telemetry.isEmpty()) {
                copy(telemetry, now);
            }
            if (!others.isEmpty()) {
                others(others, received);
            }
            int audited = refused.isEmpty() ? 0 : audit(refused, received);
            db.commit();
            return new Result(stored, duplicates, refused.size(), audited, rows);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private Set<Key> claim(List<Verified> accepted, Timestamp received) throws SQLException {
        Set<Key> fresh = new HashSet<>();
        if (accepted.isEmpty()) {
            return fresh;
        }
        int n = accepted.size();
        String[] gateways = new String[n];
        Long[] seqs = new Long[n];
        Short[] types = new Short[n];
        Long[] created = new Long[n];
        for (int i = 0; i < n; i++) {
            var o = accepted.get(i).opened();
            gateways[i] = o.sender();
            seqs[i] = o.sequence();
            types[i] = (short) o.contentType().code();
            created[i] = o.createdAtMillis();
        }
        try (PreparedStatement ps = db.prepareStatement(SEEN)) {
            ps.setTimestamp(1, received);
            Array g = db.createArrayOf("text", gateways);
            Array s = db.createArrayOf("bigint", seqs);
            Array t = db.createArrayOf("smallint", types);
            Array c = db.createArrayOf("bigint", created);
            ps.setArray(2, g);
            ps.setArray(3, s);
            ps.setArray(4, t);
            ps.setArray(5, c);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    fresh.add(new Key(r.getString(1), r.getLong(2)));
                }
            }
        }
        return fresh;
    }

    /** The new envelopes' readings, encoded while they stream into one binary COPY. */
    private void copy(List<Verified> telemetry, long now) throws SQLException {
        CopyIn in = db.unwrap(PGConnection.class).getCopyAPI().copyIn(ReadingsCopy.SQL);
        try {
            ReadingsCopy copy = new ReadingsCopy();
            for (Verified v : telemetry) {
                String gateway = v.opened().sender();
                long seq = v.opened().sequence();
                for (Reading r : ((Decoded.Telemetry) v.decoded()).readings()) {
                    copy.add(gateway, r.device(), r.channel(), r.timeMillis(), r.number(), r.bool(), r.text(),
                            r.unit(), r.quality(), seq, now);
                    if (copy.full()) {
                        copy.flushTo(in);
                    }
                }
            }
            copy.finishTo(in);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                try {
                    in.cancelCopy(); // a failure half-way: the transaction is rolled back by the caller
                } catch (SQLException alsoFailed) {
                    // the connection is probably gone; the first failure is the one to report
                }
            }
        }
    }

    private void others(List<Verified> others, Timestamp received) throws SQLException {
        try (PreparedStatement event = db.prepareStatement(EVENT); PreparedStatement status = db.prepareStatement(STATUS);
             PreparedStatement reply = db.prepareStatement(REPLY)) {
            int events = 0;
            int replies = 0;
            for (Verified v : others) {
                var o = v.opened();
                Decoded d = v.decoded();
                if (d instanceof Decoded.Event e) {
                    event.setString(1, o.sender());
                    event.setLong(2, o.sequence());
                    event.setString(3, e.device());
                    event.setString(4, e.kind());
                    event.setString(5, e.event());
                    event.setString(6, e.state());
                    event.setTimestamp(7, new Timestamp(e.timeMillis()));
                    event.setString(8, e.bodyJson());
                    event.setTimestamp(9, received);
                    event.addBatch();
                    events++;
                    if (e.raised()) {
                        raise(o.sender(), o.sequence(), e);
                    } else if (e.cleared()) {
                        clear(o.sender(), o.sequence(), e);
                    }
                } else if (d instanceof Decoded.Status s) {
                    status.setString(1, s.bodyJson());
                    status.setLong(2, o.sequence());
                    status.setTimestamp(3, new Timestamp(o.createdAtMillis()));
                    status.setString(4, o.sender());
                    status.setLong(5, o.sequence());
                    status.executeUpdate();
                } else if (d instanceof Decoded.Reply r) {
                    reply.setString(1, o.sender());
                    reply.setLong(2, o.sequence());
                    if (r.commandSeq() == null) {
                        reply.setNull(3, Types.BIGINT);
                    } else {
                        reply.setLong(3, r.commandSeq());
                    }
                    reply.setString(4, r.bodyJson());
                    reply.setTimestamp(5, received);
                    reply.addBatch();
                    replies++;
                } else {
                    throw new IllegalStateException("telemetry is copied, not written here");
                }
            }
            if (events > 0) {
                event.executeBatch();
            }
            if (replies > 0) {
                reply.executeBatch();
            }
        }
    }

    private void raise(String gateway, long seq, Decoded.Event e) throws SQLException {
        Timestamp t = new Timestamp(e.timeMillis());
        try (PreparedStatement late = db.prepareStatement(RAISE_AFTER_CLEAR)) {
            late.setTimestamp(1, t);
            late.setLong(2, seq);
            late.setString(3, e.valueJson());
            late.setString(4, gateway);
            late.setString(5, e.device());
            late.setString(6, e.event());
            late.setTimestamp(7, t);
            if (late.executeUpdate() > 0) {
                return; // its clear had arrived first
            }
        }
        try (PreparedStatement ps = db.prepareStatement(RAISE)) {
            ps.setString(1, gateway);
            ps.setString(2, e.device());
            ps.setString(3, e.event());
            ps.setString(4, e.channel());
            ps.setString(5, e.severity());
            ps.setTimestamp(6, t);
            ps.setLong(7, seq);
            ps.setString(8, e.valueJson());
            ps.executeUpdate(); // already open: the earlier raise stands
        }
    }

    private void clear(String gateway, long seq, Decoded.Event e) throws SQLException {
        Timestamp t = new Timestamp(e.timeMillis());
        try (PreparedStatement ps = db.prepareStatement(CLEAR)) {
            ps.setTimestamp(1, t);
            ps.setLong(2, seq);
            ps.setString(3, e.valueJson());
            ps.setString(4, gateway);
            ps.setString(5, e.device());
            ps.setString(6, e.event());
            ps.setTimestamp(7, t);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = db.prepareStatement(CLEAR_UNRAISED)) {
            ps.setString(1, gateway);
            ps.setString(2, e.device());
            ps.setString(3, e.event());
            ps.setString(4, e.channel());
            ps.setString(5, e.severity());
            ps.setTimestamp(6, t);
            ps.setLong(7, seq);
            ps.setString(8, e.valueJson());
            ps.executeUpdate();
        }
    }

    private int audit(List<Verified> refused, Timestamp received) throws SQLException {
        int rows = 0;
        try (PreparedStatement ps = db.prepareStatement(AUDIT)) {
            for (Verified v : refused) {
                if (!v.auditRow()) {
                    continue;
                }
                AuditRecord a = AuditRecord.of(v);
                ps.setTimestamp(1, received);
                ps.setString(2, a.topic());
                ps.setString(3, a.reason());
                ps.setString(4, a.claimedSender());
                if (a.claimedSeq() == -1) {
                    ps.setNull(5, Types.BIGINT);
                } else {
                    ps.setLong(5, a.claimedSeq());
                }
                ps.setString(6, a.detail());
                ps.setBytes(7, a.frame());
                ps.setInt(8, a.frameLength());
                ps.setBytes(9, a.frameSha256());
                ps.addBatch();
                rows++;
            }
            if (rows > 0) {
                ps.executeBatch();
            }
        }
        return rows;
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; it is replaced before the batch is tried again
        }
    }
}
