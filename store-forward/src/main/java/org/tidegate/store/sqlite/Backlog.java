package org.tidegate.store.sqlite;

import static org.tidegate.store.sqlite.QueueDatabase.PRIORITIES;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueDatabase.Row;

/**
 * The writer's picture of the rows in the database: how many per priority and how many bytes, as of the
 * last COMMIT; which of them are in flight; and the writes it still owes them (attempt counts and
 * acknowledgements that could not be written yet). Owned by the writer thread; not thread-safe.
 *
 * <p>In-flight state is deliberately NOT persisted: it lives here as one cursor per priority (every row of
 * priority p with id &lt;= cursor[p] has been handed out) plus the map of handed-out ids. A crash or
 * restart therefore releases everything in flight implicitly, which is exactly the at-least-once
 * contract: nothing is deleted before the uplink's acknowledgement. The cursor scheme relies on ids never
 * being reused, hence {@code AUTOINCREMENT} in the schema.
 */
final class Backlog {
    private final long[] depth = new long[PRIORITIES];
    private long bytes;
    private final long[] cursor = new long[PRIORITIES];
    private final long[] inFlightByPriority = new long[PRIORITIES];
    /** Handed-out database ids → accounting needed when they are acknowledged. */
    private final Map<Long, Row> inFlight = new HashMap<>();
    /** Attempt increments of handed-out rows, written with the next write transaction. */
    private final Map<Long, Integer> unwrittenAttempts = new HashMap<>();
    /** Acknowledgements that could not be written yet (disk full): retried with the next transaction. */
    private final List<Long> deferredAcks = new ArrayList<>();

    /**
     * A database was opened with these counts. Nothing is in flight after an open: a crash or restart
     * released it (cursors start at 0). Deferred acknowledgements stay: they still apply to the same file.
     */
    void opened(long[] depthAtOpen, long bytesAtOpen) {
        System.arraycopy(depthAtOpen, 0, depth, 0, PRIORITIES);
        bytes = bytesAtOpen;
        inFlight.clear();
        unwrittenAttempts.clear();
        Arrays.fill(inFlightByPriority, 0);
        Arrays.fill(cursor, 0);
    }

    /** The file was moved aside: none of its rows exist any more, nor does anything owed to them. */
    void discard() {
        Arrays.fill(depth, 0);
        bytes = 0;
        inFlight.clear();
        Arrays.fill(inFlightByPriority, 0);
        Arrays.fill(cursor, 0);
        unwrittenAttempts.clear();
        deferredAcks.clear();
    }

    /** A committed insert. */
    void added(Row r) {
        depth[r.priority()]++;
        bytes += r.size();
    }

    /** A committed delete (acknowledged or evicted). */
    void removed(Row r) {
        depth[r.priority()]--;
        bytes -= r.size();
        if (inFlight.remove(r.id()) != null) {
            inFlightByPriority[r.priority()]--;
        }
    }

    long messages() {
        long n = 0;
        for (long d : depth) {
            n += d;
        }
        return n;
    }

    long bytes() {
        return bytes;
    }

    long[] depth() {
        return depth.clone();
    }

    int inFlight() {
        return inFlight.size();
    }

    /** Rows of this priority not handed out yet. */
    long waiting(int priority) {
        return depth[priority] - inFlightByPriority[priority];
    }

    /** Every row of this priority with an id up to the cursor has been handed out. */
    long cursor(int priority) {
        return cursor[priority];
    }

    long[] cursors() {
        return cursor.clone();
    }

    /** True if the row has been handed out and not released: eviction and purge leave it to the uplink. */
    boolean handedOut(int priority, long id) {
        return id <= cursor[priority];
    }

    /** These rows were handed out; the cursors move to {@code newCursors} (read ahead of this call). */
    void handedOut(List<StoredMessage> taken, long[] newCursors) {
        for (StoredMessage m : taken) {
            unwrittenAttempts.merge(m.id(), 1, Integer::sum);
            inFlight.put(m.id(), new Row(m.id(), m.priority(), QueueDatabase.topicBytes(m.topic()) + m.payload().length));
            inFlightByPriority[m.priority()]++;
        }
        System.arraycopy(newCursors, 0, cursor, 0, PRIORITIES);
    }

    /** Everything in flight goes back to pending. @return how many rows were in flight */
    int release() {
        int n = inFlight.size();
        inFlight.clear();
        Arrays.fill(inFlightByPriority, 0);
        Arrays.fill(cursor, 0);
        return n;
    }

    /** Hand-outs of this row not yet written to its attempts column. */
    int unwrittenAttempts(long id) {
        return unwrittenAttempts.getOrDefault(id, 0);
    }

    Map<Long, Integer> unwrittenAttempts() {
        return unwrittenAttempts;
    }

    void attemptsWritten() {
        unwrittenAttempts.clear();
    }

    List<Long> deferredAcks() {
        return deferredAcks;
    }

    void deferAck(long id) {
        if (!deferredAcks.contains(id)) {
            deferredAcks.add(id);
        }
    }

    void deferredAcksWritten() {
        deferredAcks.clear();
    }

    /** True if attempt counts or acknowledgements wait for a write transaction. */
    boolean owesWrites() {
        return !deferredAcks.isEmpty() || !unwrittenAttempts.isEmpty();
    }
}
