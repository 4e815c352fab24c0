package org.tidegate.store.sqlite;

import static org.tidegate.store.StoreAndForwardQueue.ALARM_PRIORITY;
import static org.tidegate.store.StoreAndForwardQueue.MAX_PRIORITY;
import static org.tidegate.store.StoreAndForwardQueue.MIN_PRIORITY;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueDatabase.Row;
import org.tidegate.store.sqlite.RetentionPolicy.Eviction;
import org.tinylog.Logger;

/**
 * The writer thread: the only user of the database, running every request of {@link SqliteQueue} and
 * committing appends and acknowledgements in groups.
 *
 * <h2>What is atomic, and why</h2>
 * One thread (the writer) owns the only connection; callers hand it requests and wait on a future.
 * The writer collects whatever appends and acknowledgements have queued up (at most
 * {@link QueueOptions#maxBatch()}) and runs them in ONE transaction, together with any capacity eviction
 * and max-age purge they cause ({@link RetentionPolicy}), then completes the futures only after
 * {@code COMMIT} returned. SQLite's commit is atomic (the WAL commit frame), and at synchronous=FULL the WAL
 * is fsync'd before COMMIT returns, so: an append that returned is on disk; an append that did not return
 * may or may not be (the caller never saw an id, so the store keeps its promise either way); a crash never
 * leaves half a batch. Group commit therefore keeps "durable on return" while one fsync serves every
 * appender that was waiting: a lone appender pays one fsync, 64 concurrent appenders share one. There is no
 * timer: the batch is whatever queued up while the previous commit was syncing. The one exception: while a reader
 * (the uplink) is taking, alarms in a batch with other writes commit first in a transaction of their own, and the
 * uplink's take of them is answered before the rest of the batch is written (an alarm waits for no routine fsync
 * but the one in progress).
 *
 * <p>In-memory accounting ({@link Backlog}, {@link HeldAlarms}, {@link QueueCounters}) changes only after
 * COMMIT too, so a rolled-back transaction leaves it as it was. In-flight state is deliberately NOT
 * persisted (see {@link Backlog}): a crash releases everything in flight. A take is a plain read; its
 * attempt increments are written by the next write transaction (usually the acknowledgement's), so
 * draining costs one fsync per batch.
 *
 * <h2>Failures</h2>
 * Disk full, I/O errors, a read-only or missing directory: the transaction rolls back; alarms are kept in
 * memory ({@link HeldAlarms}) and written in the first transaction that succeeds later; routine appends
 * are refused with a {@link StoreException}; acknowledgements are remembered and written later. A file
 * found corrupt at run time is salvaged into a fresh database and moved aside ({@link Quarantine},
 * {@link Salvage}), the messages that could not be read counted as {@code corrupt-file}, and the batch is
 * retried once on the fresh database. After every commit that inserted rows the {@link HighWaterMark} is
 * written; every open compares it with the database to detect a WAL tail that SQLite dropped.
 */
final class QueueWriter {
    /** Maintenance (retries, purge, stats log) runs at least this often, idle or busy. */
    private static final long IDLE_TICK_MS = 500;
    /**
     * How long an empty queue must have gone without a write before its WAL is checkpointed away. Not after every
     * acknowledgement that empties the queue: under steady live traffic the uplink empties it many times a second,
     * and each time cost a TRUNCATE checkpoint (one more fsync, 50-80 a second at 100 000 samples/s, and a wait for
     * the alarm behind it); the size bound alone keeps a busy WAL small.
     */
    private static final long IDLE_CHECKPOINT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Longest the completer may leave committed futures waiting before the writer stops reporting alive. */
    private static final long COMPLETER_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long the writer waits, after an alarm's own commit, for the uplink's take of it (see answerAlarmTake). */
    static final long ALARM_TAKE_WAIT_MS = 10;
    /**
     * A take answered this recently means a reader (the uplink) is draining the queue and will take an alarm at
     * once; only then is an alarm committed on its own and the take of it waited for. With nobody taking (the
     * uplink down, a store without one) that wait held every routine append queued with the alarm for the whole
     * {@value #ALARM_TAKE_WAIT_MS} ms, and 2 to 64 blocking appenders with one alarm in ten fell to 1 500-6 700
     * appends/s, below one appender alone (round 8 of docs/performance.md); the extra fsync bought nothing either.
     */
    private static final long TAKER_ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private long lastTakeNanos = System.nanoTime() - 2 * TAKER_ACTIVE_NANOS; // writer thread only
    private boolean completerStallLogged;

    private final QueueOptions options;
    private final PendingCount pending;
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Completer completer = new Completer();
    private final QueueCounters counters = new QueueCounters();
    private volatile long maxSequenceAtOpen;
    /** When the last write transaction committed (writer thread only). */
    private long lastWriteNanos = System.nanoTime();
    /** Beaten on every turn of the writer's loop (at least every IDLE_TICK_MS): the watchdog's view of it. */
    volatile org.tidegate.core.health.Heartbeat heartbeat = org.tidegate.core.health.Heartbeat.NONE;

    // ---- Owned by the writer thread (and by the opening thread before it starts). ----
    private final Storage storage;
    private final Backlog backlog = new Backlog();
    private final HeldAlarms alarms;
    private final RetentionPolicy retention;
    private final HighWaterMark highWater;

    QueueWriter(QueueOptions options, PendingCount pending) {
        this.options = options;
        this.pending = pending;
        this.storage = new Storage(options, this::opened, counters::refused);
        this.alarms = new HeldAlarms(options.memoryAlarmLimit());
        this.retention = new RetentionPolicy(options);
        this.highWater = HighWaterMark.open(options.path());
        this.thread = new Thread(this::run, "tidegate-store-writer");
        this.thread.setDaemon(true);
    }

    /** Opens the database on the caller's thread (a failure leaves the queue degraded), then starts. */
    void start() {
        storage.openIfDue();
        publishPending();
        completer.start();
        thread.start();
    }

    /** Queues a request for the next batch. The caller makes sure nothing is queued behind {@link Request.Close}. */
    void enqueue(Request request) {
        requests.add(request);
    }

    /** Waits for the thread to end after {@link Request.Close}. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    QueueCounters counters() {
        return counters;
    }

    long maxSequenceAtOpen() {
        return maxSequenceAtOpen;
    }

    private void opened(QueueDatabase db) {
        backlog.opened(db.depthAtOpen(), db.bytesAtOpen());
        maxSequenceAtOpen = Math.max(maxSequenceAtOpen, db.maxSequenceAtOpen());
        if (db.salvageAtOpen() != null) {
            counters.countSalvage(db.salvageAtOpen());
        }
        QueueStats.Range missing = highWater.check(db); // a WAL tail SQLite dropped
        if (!missing.isNone()) {
            counters.countMayBeLost(missing);
            HighWaterMark.Mark m = highWater.current();
            maxSequenceAtOpen = Math.max(maxSequenceAtOpen, m.maxSequence());
        }
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        List<Request> batch = new ArrayList<>();
        boolean running = true;
        long nextMaintenance = System.nanoTime();
        while (running) {
            try {
                // Maintenance also runs on a busy queue (a status poller must not starve the retry).
                if (System.nanoTime() - nextMaintenance >= 0) {
                    maintenance();
                    nextMaintenance = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_TICK_MS);
                }
                if (completer.stalledFor(COMPLETER_STALL_NANOS)) {
                    if (!completerStallLogged) {
                        completerStallLogged = true;
                        Logger.error("store: appends committed {} s ago are not completed yet: a caller's callback"
                                + " blocks the completer thread; the writer stops reporting alive",
                                TimeUnit.NANOSECONDS.toSeconds(COMPLETER_STALL_NANOS));
                    }
                } else {
                    completerStallLogged = false;
                    heartbeat.beat();
                }
                Request first = requests.poll(IDLE_TICK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                requests.drainTo(batch, options.maxBatch() - 1);
                running = process(batch);
            } catch (InterruptedException e) {
                running = false;
            } catch (Throwable t) {
                Logger.error(t, "store: writer failed on a batch; callers get an error and the writer carries on");
                for (Request r : batch) {
                    if (!r.committed) {
                        r.fail(t);
                    }
                }
            }
        }
        completer.finish(() -> { }); // the loop may also end by interruption: the completer's thread ends with it
        // Anything submitted after close: refuse.
        for (Request r; (r = requests.poll()) != null; ) {
            r.fail(new StoreException("store-and-forward queue " + options.path() + " is closed"));
        }
    }

    /** Takes first, then the writes (one transaction for the whole batch), then the rest. @return false once closed */
    private boolean process(List<Request> batch) {
        List<Request.Append> appends = new ArrayList<>();
        List<Request.Acknowledge> acks = new ArrayList<>();
        for (Request r : batch) {
            if (r instanceof Request.Append a) {
                appends.add(a);
            } else if (r instanceof Request.Acknowledge a) {
                acks.add(a);
            }
        }
        // Takes are answered before the write: a take only reads committed rows, so it need not wait for this
        // batch's fsync, and the uplink publishes them while the commit syncs (its attempt counts ride on this very
        // transaction). Acknowledgements in the batch are of messages in flight, which a take never hands out.
        for (Request r : batch) {
            if (r instanceof Request.Take t) {
                List<StoredMessage> taken = take(t.max, t.minPriority);
                publishPending();
                t.result.complete(taken);
            }
        }
        List<Request.Append> urgent = alarmAppendsAmong(appends);
        if (!urgent.isEmpty() && (urgent.size() < appends.size() || !acks.isEmpty()) && readerIsTaking()) {
            // An alarm is committed on its own, ahead of the routine writes queued with it (a drain's
            // acknowledgement of 128 rows is 100-200 KB of WAL to sync), and the uplink's take of it is answered
            // before those writes begin rather than after their fsync. One more fsync per alarm; alarms are rare.
            // Only while a reader takes (TAKER_ACTIVE_NANOS): with nobody to take the alarm, both cost the
            // routine writes and buy nothing.
            write(urgent, List.of(), true);
            publishPending();
            appends.removeAll(urgent);
            answerAlarmTake(batch, appends, acks);
        }
        if (!appends.isEmpty() || !acks.isEmpty()) {
            write(appends, acks, true);
        }
        boolean running = true;
        for (Request r : batch) {
            if (r instanceof Request.Take) {
                continue;
            } else if (r instanceof Request.Release rel) {
                int released = release();
                publishPending();
                rel.result.complete(released);
            } else if (r instanceof Request.Stats s) {
                s.result.complete(snapshot());
            } else if (r instanceof Request.Close c) {
                shutdown();
                completer.finish(() -> c.result.complete(null)); // close() returns after every earlier caller did
                running = false;
            }
        }
        publishPending();
        return running;
    }

    private static List<Request.Append> alarmAppendsAmong(List<Request.Append> appends) {
        List<Request.Append> out = new ArrayList<>(0);
        for (Request.Append a : appends) {
            if (a.priority >= ALARM_PRIORITY) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Right after an alarm's own commit: waits up to {@value #ALARM_TAKE_WAIT_MS} ms for the uplink's take (it was
     * told of the alarm by {@link #publishPending}) and answers it at once. Writes and other requests that arrive
     * meanwhile join this batch. Called only while a reader is taking ({@link #readerIsTaking}); a take that does
     * not come within the deadline (the uplink's alarm slots full, its connection just lost) costs at most that.
     */
    private void answerAlarmTake(List<Request> batch, List<Request.Append> appends, List<Request.Acknowledge> acks) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ALARM_TAKE_WAIT_MS);
        while (batch.size() < options.maxBatch()) {
            long left = deadline - System.nanoTime();
            Request r;
            try {
                r = left > 0 ? requests.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the batch is finished first; the loop then ends
                return;
            }
            if (r == null) {
                return;
            }
            batch.add(r); // the rest of process() handles it; a take is answered here (and skipped there)
            if (r instanceof Request.Take t) {
                List<StoredMessage> taken = take(t.max, t.minPriority);
                publishPending();
                t.result.complete(taken);
                if (backlog.waiting(ALARM_PRIORITY) + alarms.waiting() == 0) {
                    return;
                }
            } else if (r instanceof Request.Append a) {
                appends.add(a);
                if (a.priority >= ALARM_PRIORITY) {
                    return; // committed with the writes below, at once
                }
            } else if (r instanceof Request.Acknowledge a) {
                acks.add(a);
            }
        }
    }

    /** Writes what waits for the database (held alarms, owed writes, a due purge) even with no request. */
    private void maintenance() {
        counters.logIfDue(this::snapshot);
        highWater.syncIfDue();
        if (storage.diskFull()) {
            storage.recoverIfSpace();
        }
        boolean purgeDue = retention.purgeDue(System.currentTimeMillis());
        if (!alarms.isEmpty() || backlog.owesWrites() || storage.current() == null || purgeDue) {
            write(List.of(), List.of(), true);
            publishPending();
        }
        checkpointIfIdle();
    }

    /** An empty queue that has been idle holds no WAL at all (the space is the disk's again). */
    private void checkpointIfIdle() {
        QueueDatabase db = storage.current();
        if (db == null || backlog.messages() != 0 || System.nanoTime() - lastWriteNanos < IDLE_CHECKPOINT_NANOS) {
            return;
        }
        long wal = db.walBytes();
        if (wal > 0) {
            checkpoint(db, wal);
        }
    }

    // ------------------------------------------------------------------ group commit

    /** What one write transaction did; applied to the in-memory state only after COMMIT. */
    private static final class Effects {
        final List<Row> inserted = new ArrayList<>();
        final List<Long> flushedAlarms = new ArrayList<>();
        final List<Row> acked = new ArrayList<>();
        final List<Long> alarmAcks = new ArrayList<>();
        final List<Eviction> evicted = new ArrayList<>();
        boolean attemptsWritten;
        long maxSequence;

        long messagesAfter(Backlog backlog) {
            return backlog.messages() + inserted.size() - acked.size();
        }

        long bytesAfter(Backlog backlog) {
            long bytes = backlog.bytes();
            for (Row r : inserted) {
                bytes += r.size();
            }
            for (Row r : acked) {
                bytes -= r.size();
            }
            return bytes;
        }
    }

    /**
     * One group-commit transaction: attempt counts owed, alarms held in memory (oldest first), then the new
     * appends, then the acknowledgements, then capacity eviction and max-age purge.
     */
    private void write(List<Request.Append> requested, List<Request.Acknowledge> acks, boolean retryAfterCorruption) {
        List<Request.Append> appends = storage.diskFull() && !requested.isEmpty()
                ? refuseRoutineWhileFull(requested) : requested;
        QueueDatabase db = storage.openIfDue();
        if (db == null) {
            fallBack(appends, acks, null);
            return;
        }
        boolean holdsAlarm = !alarms.isEmpty();
        for (Request.Append a : appends) {
            holdsAlarm |= a.priority >= ALARM_PRIORITY;
        }
        Effects fx = new Effects();
        try {
            db.transaction(holdsAlarm, () -> {
                LinkedHashSet<Long> ackIds = new LinkedHashSet<>(backlog.deferredAcks());
                for (Request.Acknowledge a : acks) {
                    for (long id : a.ids) {
                        if (id < 0) {
                            fx.alarmAcks.add(id);
                        } else {
                            ackIds.add(id);
                        }
                    }
                }
                if (!backlog.unwrittenAttempts().isEmpty()) {
                    db.addAttempts(backlog.unwrittenAttempts(), ackIds); // the acked rows are deleted below
                    fx.attemptsWritten = true;
                }
                for (Map.Entry<Long, HeldAlarms.Alarm> e : alarms.all().entrySet()) {
                    HeldAlarms.Alarm m = e.getValue();
                    if (!m.inFlight) {
                        fx.inserted.add(db.insert(m.topic, m.priority, m.sequence, m.createdAt, m.attempts, m.payload));
                        fx.maxSequence = Math.max(fx.maxSequence, m.sequence);
                        fx.flushedAlarms.add(e.getKey());
                    }
                }
                for (Request.Append a : appends) {
                    Row row = db.insert(a.topic, a.priority, a.sequence, a.createdAt, 0, a.payload);
                    a.id = row.id();
                    fx.inserted.add(row);
                    fx.maxSequence = Math.max(fx.maxSequence, a.sequence);
                }
                for (long id : ackIds) {
                    Row row = db.delete(id);
                    if (row != null) {
                        fx.acked.add(row);
                    }
                }
                fx.evicted.addAll(retention.evictForCapacity(db, backlog, fx.messagesAfter(backlog),
                        fx.bytesAfter(backlog)));
                fx.evicted.addAll(retention.purgeExpired(db, backlog, alarms, counters));
            });
            counters.countCommit();
            lastWriteNanos = System.nanoTime();
            if (!fx.inserted.isEmpty()) {
                highWater.committed(fx.inserted.get(fx.inserted.size() - 1).id(), fx.maxSequence);
            }
        } catch (SQLException e) {
            if (Quarantine.isCorruption(e) && retryAfterCorruption) {
                quarantineAtRunTime(e);
                write(appends, acks, false);
                return;
            }
            storage.writeFailed(e);
            fallBack(appends, acks, e);
            return;
        }
        applyCommitted(fx, appends, acks);
        boundWal(db);
    }

    /**
     * While the disk is full, routine appends are refused without touching SQLite (they cannot fit, and an
     * alarm in the same batch must not wait for their failed write); alarms go on to the transaction.
     *
     * @return the alarm appends
     */
    private List<Request.Append> refuseRoutineWhileFull(List<Request.Append> appends) {
        List<Request.Append> kept = new ArrayList<>();
        List<Request.Append> refused = new ArrayList<>();
        for (Request.Append a : appends) {
            (alarms.accepts(a.priority) ? kept : refused).add(a);
        }
        if (!refused.isEmpty()) {
            fallBack(refused, List.of(), null);
        }
        return kept;
    }

    /**
     * Keeps the WAL bounded: a checkpoint when it has grown past {@link QueueDatabase#WAL_LIMIT_BYTES} (SQLite's
     * own auto-checkpoint normally comes first; this catches one that could not run). An idle empty queue's WAL
     * goes at the maintenance tick ({@link #checkpointIfIdle}).
     */
    private void boundWal(QueueDatabase db) {
        long wal = db.walBytes();
        if (wal <= QueueDatabase.WAL_LIMIT_BYTES) {
            return;
        }
        if (alarmWaiting()) {
            return; // an alarm's commit never waits for a checkpoint: the next write checks the WAL again
        }
        checkpoint(db, wal);
    }

    private void checkpoint(QueueDatabase db, long wal) {
        try {
            db.checkpoint();
            counters.countCheckpoint();
        } catch (SQLException e) {
            if (Quarantine.isCorruption(e)) {
                return; // the next transaction finds it and moves the file aside
            }
            if (!storage.diskFull()) { // once: while full, the recovery tick retries quietly
                Logger.warn("store: checkpoint of {} ({} bytes of WAL) failed: {}", options.path(), wal,
                        QueueDatabase.describe(e));
            }
            storage.writeFailed(e);
        }
    }

    /** True if an alarm append is queued for the next batch (the queue is short: a few hundred requests at most). */
    private boolean alarmWaiting() {
        for (Request r : requests) {
            if (r instanceof Request.Append a && a.priority >= ALARM_PRIORITY) {
                return true;
            }
        }
        return false;
    }

    private void applyCommitted(Effects fx, List<Request.Append> appends, List<Request.Acknowledge> acks) {
        if (storage.committed()) {
            Logger.info("store: database {} is writable again; {} alarm(s) held in memory were written",
                    options.path(), fx.flushedAlarms.size());
        } else if (storage.diskFull() && !fx.flushedAlarms.isEmpty()) {
            Logger.info("store: disk full: {} alarm(s) held in memory were written to {} in the reserve's space",
                    fx.flushedAlarms.size(), options.path());
        }
        if (fx.attemptsWritten) {
            backlog.attemptsWritten();
        }
        for (Row r : fx.inserted) {
            backlog.added(r);
        }
        for (long id : fx.flushedAlarms) {
            alarms.remove(id);
        }
        backlog.deferredAcksWritten();
        for (Row r : fx.acked) {
            backlog.removed(r);
            counters.countDelivered();
        }
        for (long id : fx.alarmAcks) {
            if (alarms.remove(id)) {
                counters.countDelivered();
            }
        }
        for (Eviction e : fx.evicted) {
            backlog.removed(e.row());
            counters.countEvicted(e.reason(), 1);
        }
        if (!fx.evicted.isEmpty()) {
            Logger.warn("store: evicted {} message(s) (capacity/max-age); stats: {}", fx.evicted.size(),
                    counters.evictedByReason());
        }
        counters.countAppended(appends.size());
        publishPending(); // before the callers return, so their own awaitAvailable(0) sees the new state
        int callers = appends.size() + acks.size();
        if (callers == 0) {
            return; // a maintenance write: nobody waits for it
        }
        if (completer.idle() && 2 * requests.size() < callers) {
            Completer.complete(appends, acks); // little waiting: wake the callers now, so they join the next commit
            return;
        }
        for (Request.Append a : appends) {
            a.committed = true;
        }
        for (Request.Acknowledge a : acks) {
            a.committed = true;
        }
        completer.committed(appends, acks); // the writer goes on to the requests waiting for it
    }

    /** The database could not take this batch: alarms to memory, routine appends refused, acks deferred. */
    private void fallBack(List<Request.Append> appends, List<Request.Acknowledge> acks, SQLException cause) {
        String why = storage.error().isEmpty() ? "database unavailable" : storage.error();
        for (Request.Append a : appends) {
            if (alarms.accepts(a.priority)) {
                long id = alarms.hold(a.topic, a.priority, a.sequence, a.createdAt, a.payload, counters);
                counters.countAppended(1);
                publishPending();
                a.result.complete(id);
            } else {
                counters.countRefused();
                a.result.completeExceptionally(new StoreException("store-and-forward database " + options.path()
                        + " is unavailable (" + why + "): message seq=" + a.sequence + " priority=" + a.priority
                        + " was not stored; alarms are kept in memory until the database is writable again", cause));
            }
        }
        for (Request.Acknowledge a : acks) {
            for (long id : a.ids) {
                if (id < 0) {
                    if (alarms.remove(id)) {
                        counters.countDelivered();
                    }
                } else {
                    backlog.deferAck(id);
                }
            }
            a.result.complete(null);
        }
    }

    /**
     * The open file is corrupt: count what was queued in it as lost, move it aside, forget its rows and
     * start a fresh database. Held alarms stay (they were never in that file).
     */
    private void quarantineAtRunTime(SQLException e) {
        long queued = backlog.messages();
        Logger.error("store: database {} is corrupt ({}); salvaging its {} queued message(s) into a fresh one",
                options.path(), QueueDatabase.describe(e), queued);
        Salvage.Report report = storage.moveCorruptAside(e, queued);
        if (report != null) {
            counters.countSalvage(report);
        } else {
            counters.countEvicted(EvictionReason.CORRUPT_FILE, queued);
        }
        backlog.discard();
        storage.openIfDue();
    }

    // ------------------------------------------------------------------ reads

    private boolean readerIsTaking() {
        return System.nanoTime() - lastTakeNanos < TAKER_ACTIVE_NANOS;
    }

    /**
     * Hands out the next pending rows: priority 9 down to 0, oldest (lowest id) first within a priority,
     * then alarms held in memory (they are newer than the database's). If the read fails (not corruption),
     * nothing is handed out from the database this time.
     */
    private List<StoredMessage> take(int max, int minPriority) {
        lastTakeNanos = System.nanoTime();
        List<StoredMessage> out = new ArrayList<>();
        long[] newCursors = backlog.cursors();
        QueueDatabase db = storage.openIfDue();
        if (db != null) {
            try {
                out = readPending(db, max, minPriority, newCursors);
            } catch (SQLException e) {
                if (Quarantine.isCorruption(e)) {
                    quarantineAtRunTime(e);
                    return take(max, minPriority);
                }
                Logger.error(e, "store: cannot read the queue database {}", options.path());
                out = new ArrayList<>();
                newCursors = backlog.cursors();
            }
        }
        int redelivered = 0;
        for (StoredMessage m : out) {
            redelivered += m.attempts() > 1 ? 1 : 0;
        }
        backlog.handedOut(out, newCursors);
        counters.countRedelivered(redelivered);
        counters.countRedelivered(alarms.take(max, out));
        return out;
    }

    /**
     * A read, no transaction of its own: the attempt counts are written by the next write transaction
     * (the acknowledgement's, typically), so draining costs one fsync per batch, not two. A crash before
     * then under-counts attempts by one; it loses no message.
     */
    private List<StoredMessage> readPending(QueueDatabase db, int max, int minPriority, long[] newCursors)
            throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        for (int p = MAX_PRIORITY; p >= Math.max(MIN_PRIORITY, minPriority) && out.size() < max; p--) {
            if (backlog.waiting(p) <= 0) {
                continue;
            }
            long last = backlog.cursor(p);
            for (StoredMessage row : db.readAfter(p, backlog.cursor(p), max - out.size())) {
                last = row.id();
                int attempts = row.attempts() + backlog.unwrittenAttempts(last) + 1;
                out.add(new StoredMessage(last, row.topic(), p, row.sequence(), row.createdAt(), attempts,
                        row.payload()));
            }
            newCursors[p] = last;
        }
        return out;
    }

    private int release() {
        int n = backlog.release() + alarms.release();
        if (n > 0) {
            Logger.info("store: released {} in-flight message(s) for re-delivery", n);
        }
        return n;
    }

    private QueueStats snapshot() {
        QueueDatabase db = storage.current();
        long oldest = Long.MAX_VALUE;
        if (db != null && backlog.messages() > 0) {
            try {
                Long created = db.oldestCreatedAt();
                if (created != null) {
                    oldest = created;
                }
            } catch (SQLException e) {
                Logger.warn("store: cannot read oldest age: {}", e.getMessage());
            }
        }
        long[] byPriority = backlog.depth();
        alarms.addDepth(byPriority);
        long bytes = backlog.bytes() + alarms.bytes();
        oldest = Math.min(oldest, alarms.oldestCreatedAt());
        long messages = 0;
        for (long d : byPriority) {
            messages += d;
        }
        long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
        return new QueueStats(byPriority, messages, bytes, backlog.inFlight() + alarms.inFlight(), age,
                counters.appended(), counters.delivered(), counters.redelivered(), counters.evictedByReason(),
                alarms.size(), storage.available() && db != null, storage.error(), counters.damage(),
                new QueueStats.Disk(storage.diskFull(), storage.diskFullSince(), storage.diskFullMillis(),
                        counters.refused()));
    }

    private void publishPending() {
        // With the database closed (unavailable) only alarms held in memory can be taken.
        boolean open = storage.current() != null;
        long n = open ? backlog.messages() - backlog.inFlight() : 0;
        long alarmsWaiting = (open ? backlog.waiting(ALARM_PRIORITY) : 0) + alarms.waiting();
        pending.publish(n + alarms.waiting(), alarmsWaiting);
    }

    private void shutdown() {
        if (!alarms.isEmpty() || backlog.owesWrites()) {
            write(List.of(), List.of(), true);
        }
        if (!alarms.isEmpty()) {
            Logger.error("store: closing with {} alarm(s) held only in memory: the database {} is still unavailable ({})",
                    alarms.size(), options.path(), storage.error());
        }
        storage.close();
        highWater.close();
    }
}
