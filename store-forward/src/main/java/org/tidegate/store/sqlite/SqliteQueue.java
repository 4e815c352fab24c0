package org.tidegate.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;
import org.tinylog.Logger;

/**
 * The store-and-forward queue on one SQLite file (WAL mode, exclusive locking).
 *
 * <h2>What is atomic, and why</h2>
 * One thread (the writer) owns the only connection; callers hand it operations and wait on a future.
 * The writer collects whatever appends and acknowledgements have queued up (at most
 * {@link QueueOptions#maxBatch()}) and runs them in ONE transaction, together with any capacity eviction
 * and max-age purge they cause, then completes the futures only after {@code COMMIT} returned. SQLite's
 * commit is atomic (the WAL commit frame), and at synchronous=FULL the WAL is fsync'd before COMMIT returns,
 * so: an append that returned is on disk; an append that did not return may or may not be (the caller
 * never saw an id, so the store keeps its promise either way); a crash never leaves half a batch. Group
 * commit therefore keeps "durable on return" while one fsync serves every appender that was waiting: a
 * lone appender pays one fsync, 64 concurrent appenders share one.
 *
 * <p>In-flight state is deliberately NOT persisted: it lives in memory as one cursor per priority (every
 * row of priority p with id &lt;= cursor[p] has been handed out) plus the map of handed-out ids. A crash
 * or restart therefore releases everything in flight implicitly, which is exactly the at-least-once
 * contract: nothing is deleted before the uplink's acknowledgement. The cursor scheme relies on ids never
 * being reused, hence {@code AUTOINCREMENT}. A take is a plain read; its attempt increments are written by
 * the next write transaction (usually the acknowledgement's), so draining costs one fsync per batch.
 *
 * <h2>Failures</h2>
 * Disk full, I/O errors, a read-only or missing directory: the transaction rolls back; alarms are kept in
 * memory (negative ids, bounded) and appended to the database in the first transaction that succeeds
 * later; routine appends are refused with a {@link StoreException}. A corrupt or unreadable-as-SQLite file
 * (found by {@code quick_check} on open or by SQLITE_CORRUPT/NOTADB at run time) is renamed aside to
 * {@code <file>.corrupt-<time>} (never deleted) and a fresh database is started.
 */
public final class SqliteQueue implements StoreAndForwardQueue {
    private static final int PRIORITIES = MAX_PRIORITY + 1;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;
    private static final int MAX_TOPIC_BYTES = 65_535;
    private static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    private static final long IDLE_TICK_MS = 500;
    private static final long PURGE_INTERVAL_MS = 60_000;
    private static final int PURGE_CHUNK = 10_000;

    private final QueueOptions options;
    private final LinkedBlockingQueue<Op> ops = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** Guards closed + enqueueing, so that nothing can be queued behind the close operation. */
    private final Object submitLock = new Object();
    private volatile boolean closed;

    // Availability for awaitAvailable(): written by the writer thread under lock.
    private final ReentrantLock availabilityLock = new ReentrantLock();
    private final Condition availableChanged = availabilityLock.newCondition();
    private long pendingForWaiters;

    // ---- Everything below is owned by the writer thread. ----
    private Connection conn;
    private PreparedStatement insert;
    private PreparedStatement deleteById;
    private long nextOpenAttempt;
    private final long[] depth = new long[PRIORITIES];
    private final long[] cursor = new long[PRIORITIES];
    private final long[] inFlightByPriority = new long[PRIORITIES];
    private long dbBytes;
    /** Handed-out database ids → accounting needed when they are acknowledged. */
    private final Map<Long, Row> inFlight = new HashMap<>();
    /** Acknowledgements that could not be written yet (disk full): retried with the next transaction. */
    private final List<Long> deferredAcks = new ArrayList<>();
    /** Attempt increments of handed-out rows, written with the next write transaction. */
    private final Map<Long, Integer> unwrittenAttempts = new HashMap<>();
    /** Alarms held while the database is unavailable, oldest first, keyed by their negative id. */
    private final LinkedHashMap<Long, MemoryEntry> memory = new LinkedHashMap<>();
    private long nextMemoryId = -1;
    private long appended;
    private long delivered;
    private long redelivered;
    private final long[] evicted = new long[EvictionReason.values().length];
    private boolean storageAvailable;
    private String storageError = "";
    private long nextPurgeAt;
    private static final long STATS_LOG_INTERVAL_MS = 600_000;
    private long nextStatsLogAt = System.currentTimeMillis() + STATS_LOG_INTERVAL_MS;
    private long lastLoggedActivity;
    private volatile long commits;
    private volatile boolean existedAtOpen;
    private volatile long maxSequenceAtOpen;

    private SqliteQueue(QueueOptions options) {
        this.options = options;
        this.writer = new Thread(this::writerLoop, "tidegate-store-writer");
        this.writer.setDaemon(true);
    }

    /**
     * Opens (or creates) the queue. Storage problems do not throw: the queue starts degraded (alarms in
     * memory) and keeps retrying; see {@link QueueStats#storageAvailable()}.
     */
    public static SqliteQueue open(QueueOptions options) {
        SqliteQueue q = new SqliteQueue(options);
        q.existedAtOpen = java.nio.file.Files.exists(options.path());
        q.ensureOpen();
        q.nextPurgeAt = 0;
        q.publishPending();
        q.writer.start();
        return q;
    }

    public QueueOptions options() {
        return options;
    }

    /** True if the database file existed before this queue opened it (the sequence file should exist too). */
    public boolean existedAtOpen() {
        return existedAtOpen;
    }

    /** Write transactions committed so far (appends per commit shows group commit at work). */
    public long commitCount() {
        return commits;
    }

    /** The highest envelope sequence number queued when the database was opened (0 if none). */
    public long maxSequenceAtOpen() {
        return maxSequenceAtOpen;
    }

    // ------------------------------------------------------------------ public API (any thread)

    @Override
    public long append(String topic, int priority, long sequence, long createdAt, byte[] payload) throws StoreException {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0..9, got " + priority);
        }
        if (topic.length() * 3 > MAX_TOPIC_BYTES && topic.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic longer than " + MAX_TOPIC_BYTES + " bytes");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
        }
        AppendOp op = new AppendOp(topic, priority, sequence, createdAt, payload);
        submit(op);
        return await(op.result);
    }

    @Override
    public List<StoredMessage> takeBatch(int max) {
        if (max <= 0) {
            return List.of();
        }
        TakeOp op = new TakeOp(max);
        return submitQuietly(op, op.result, List.of());
    }

    @Override
    public void acknowledge(long id) {
        acknowledge(List.of(id));
    }

    @Override
    public void acknowledge(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        AckOp op = new AckOp(ids.stream().mapToLong(Long::longValue).toArray());
        submitQuietly(op, op.result, null);
    }

    @Override
    public int releaseInFlight() {
        ReleaseOp op = new ReleaseOp();
        return submitQuietly(op, op.result, 0);
    }

    @Override
    public boolean awaitAvailable(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        availabilityLock.lock();
        try {
            while (pendingForWaiters <= 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                availableChanged.awaitNanos(left);
            }
            return pendingForWaiters > 0 && !closed;
        } finally {
            availabilityLock.unlock();
        }
    }

    @Override
    public QueueStats stats() {
        StatsOp op = new StatsOp();
        QueueStats s = submitQuietly(op, op.result, null);
        if (s == null) {
            return new QueueStats(new long[PRIORITIES], 0, 0, 0, 0, appended, delivered, redelivered, evictedMap(),
                    0, false, "queue closed");
        }
        return s;
    }

    @Override
    public void close() {
        CloseOp op = new CloseOp();
        synchronized (submitLock) {
            if (closed) {
                return;
            }
            closed = true;
            ops.add(op);
        }
        op.result.join();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        signalWaiters();
    }

    private void submit(Op op) throws StoreException {
        if (!offer(op)) {
            throw new StoreException("store-and-forward queue " + options.path() + " is closed");
        }
    }

    private boolean offer(Op op) {
        synchronized (submitLock) {
            if (closed) {
                return false;
            }
            ops.add(op);
            return true;
        }
    }

    private <T> T submitQuietly(Op op, CompletableFuture<T> result, T whenClosed) {
        if (!offer(op)) {
            return whenClosed;
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            Logger.error(e.getCause(), "store: {} failed", op.getClass().getSimpleName());
            return whenClosed;
        }
    }

    /** Waits without being interruptible: a commit takes milliseconds and the outcome must be known. */
    private static long await(CompletableFuture<Long> f) throws StoreException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw new StoreException(se.getMessage(), se);
            }
            throw new StoreException("store-and-forward append failed: " + e.getCause(), e.getCause());
        }
    }

    // ------------------------------------------------------------------ writer thread

    private void writerLoop() {
        List<Op> batch = new ArrayList<>();
        boolean running = true;
        long nextMaintenance = System.nanoTime();
        while (running) {
            try {
                // Maintenance also runs on a busy queue (a status poller must not starve the retry).
                if (System.nanoTime() - nextMaintenance >= 0) {
                    maintenance();
                    nextMaintenance = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_TICK_MS);
                }
                Op first = ops.poll(IDLE_TICK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                ops.drainTo(batch, options.maxBatch() - 1);
                running = process(batch);
            } catch (InterruptedException e) {
                running = false;
            } catch (Throwable t) {
                Logger.error(t, "store: writer failed on a batch; callers get an error and the writer carries on");
                for (Op op : batch) {
                    op.fail(t);
                }
            }
        }
        // Anything submitted after close: refuse.
        for (Op op; (op = ops.poll()) != null; ) {
            op.fail(new StoreException("store-and-forward queue " + options.path() + " is closed"));
        }
    }

    /** @return false once the queue is closed */
    private boolean process(List<Op> batch) {
        List<AppendOp> appends = new ArrayList<>();
        List<AckOp> acks = new ArrayList<>();
        for (Op op : batch) {
            if (op instanceof AppendOp a) {
                appends.add(a);
            } else if (op instanceof AckOp a) {
                acks.add(a);
            }
        }
        if (!appends.isEmpty() || !acks.isEmpty()) {
            writeTransaction(appends, acks, true);
        }
        boolean running = true;
        for (Op op : batch) {
            if (op instanceof TakeOp t) {
                List<StoredMessage> taken = take(t.max);
                publishPending();
                t.result.complete(taken);
            } else if (op instanceof ReleaseOp r) {
                int released = release();
                publishPending();
                r.result.complete(released);
            } else if (op instanceof StatsOp s) {
                s.result.complete(snapshot());
            } else if (op instanceof CloseOp c) {
                shutdown();
                c.result.complete(null);
                running = false;
            }
        }
        publishPending();
        return running;
    }

    /** Every {@value #STATS_LOG_INTERVAL_MS} ms, if anything moved: one log line with the counters. */
    private void logStatsIfDue() {
        long now = System.currentTimeMillis();
        if (now < nextStatsLogAt) {
            return;
        }
        nextStatsLogAt = now + STATS_LOG_INTERVAL_MS;
        long activity = appended + delivered + redelivered;
        for (long e : evicted) {
            activity += e;
        }
        if (activity == lastLoggedActivity) {
            return;
        }
        lastLoggedActivity = activity;
        QueueStats s = snapshot();
        Logger.info("store: depth={} byPriority={} bytes={} inFlight={} oldestAgeMs={} appended={} delivered={}"
                        + " redelivered={} evicted={} heldInMemory={} storageAvailable={}", s.messages(),
                java.util.Arrays.toString(s.depthByPriority()), s.bytes(), s.inFlight(), s.oldestAgeMillis(),
                s.appended(), s.delivered(), s.redelivered(), s.evicted(), s.heldInMemory(), s.storageAvailable());
    }

    private void maintenance() {
        logStatsIfDue();
        boolean purgeDue = options.maxAge().toMillis() > 0 && System.currentTimeMillis() >= nextPurgeAt;
        if (!memory.isEmpty() || !deferredAcks.isEmpty() || !unwrittenAttempts.isEmpty() || conn == null || purgeDue) {
            writeTransaction(List.of(), List.of(), true);
            publishPending();
        }
    }

    /**
     * One group-commit transaction: alarms held in memory (oldest first), then the new appends, then the
     * acknowledgements, then capacity eviction and max-age purge. In-memory accounting and the callers'
     * futures are updated only after COMMIT returned.
     */
    private void writeTransaction(List<AppendOp> appends, List<AckOp> acks, boolean retryAfterCorruption) {
        if (!ensureOpen()) {
            fallBack(appends, acks, null);
            return;
        }
        boolean hasAlarm = !memory.isEmpty();
        for (AppendOp a : appends) {
            hasAlarm |= a.priority >= ALARM_PRIORITY;
        }
        boolean escalate = options.synchronous() == Synchronous.NORMAL && hasAlarm;
        Effects fx = new Effects();
        try (Statement st = conn.createStatement()) {
            if (escalate) {
                st.execute("PRAGMA synchronous=FULL");
            }
            st.execute("BEGIN IMMEDIATE");
            try {
                java.util.LinkedHashSet<Long> ackIds = new java.util.LinkedHashSet<>(deferredAcks);
                for (AckOp a : acks) {
                    for (long id : a.ids) {
                        if (id < 0) {
                            fx.memoryAcks.add(id);
                        } else {
                            ackIds.add(id);
                        }
                    }
                }
                if (!unwrittenAttempts.isEmpty()) {
                    try (PreparedStatement bump = conn.prepareStatement(
                            "UPDATE message SET attempts = attempts + ? WHERE id = ?")) {
                        for (Map.Entry<Long, Integer> e : unwrittenAttempts.entrySet()) {
                            if (ackIds.contains(e.getKey())) {
                                continue; // deleted below in this same transaction
                            }
                            bump.setInt(1, e.getValue());
                            bump.setLong(2, e.getKey());
                            bump.executeUpdate();
                        }
                    }
                    fx.attemptsWritten = true;
                }
                for (Map.Entry<Long, MemoryEntry> e : memory.entrySet()) {
                    MemoryEntry m = e.getValue();
                    if (!m.inFlight) {
                        Row row = insertRow(m.topic, m.priority, m.sequence, m.createdAt, m.attempts, m.payload);
                        fx.inserted.add(row);
                        fx.flushedMemory.add(e.getKey());
                    }
                }
                for (AppendOp a : appends) {
                    Row row = insertRow(a.topic, a.priority, a.sequence, a.createdAt, 0, a.payload);
                    a.id = row.id;
                    fx.inserted.add(row);
                }
                for (long id : ackIds) {
                    Row row = deleteRow(id);
                    if (row != null) {
                        fx.acked.add(row);
                    }
                }
                evictForCapacity(fx);
                purgeExpired(fx);
                st.execute("COMMIT");
                commits++;
            } catch (SQLException e) {
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
        } catch (SQLException e) {
            if (isCorruption(e) && retryAfterCorruption) {
                quarantineAtRunTime(e);
                writeTransaction(appends, acks, false);
                return;
            }
            markUnavailable(e);
            fallBack(appends, acks, e);
            return;
        }
        applyCommitted(fx, appends, acks);
    }

    private void applyCommitted(Effects fx, List<AppendOp> appends, List<AckOp> acks) {
        if (!storageAvailable) {
            Logger.info("store: database {} is writable again; {} alarm(s) held in memory were written",
                    options.path(), fx.flushedMemory.size());
        }
        storageAvailable = true;
        storageError = "";
        if (fx.attemptsWritten) {
            unwrittenAttempts.clear();
        }
        for (Row r : fx.inserted) {
            depth[r.priority]++;
            dbBytes += r.size;
        }
        for (Long id : fx.flushedMemory) {
            memory.remove(id);
        }
        deferredAcks.clear();
        for (Row r : fx.acked) {
            forget(r);
            delivered++;
        }
        for (long id : fx.memoryAcks) {
            if (memory.remove(id) != null) {
                delivered++;
            }
        }
        for (int i = 0; i < fx.evicted.size(); i++) {
            Row r = fx.evicted.get(i);
            forget(r);
            evicted[fx.evictedReasons.get(i).ordinal()]++;
        }
        if (!fx.evicted.isEmpty()) {
            Logger.warn("store: evicted {} message(s) (capacity/max-age); stats: {}", fx.evicted.size(), evictedMap());
        }
        appended += appends.size();
        publishPending(); // before the callers return, so their own awaitAvailable(0) sees the new state
        for (AppendOp a : appends) {
            a.result.complete(a.id);
        }
        for (AckOp a : acks) {
            a.result.complete(null);
        }
    }

    private void forget(Row r) {
        depth[r.priority]--;
        dbBytes -= r.size;
        if (inFlight.remove(r.id) != null) {
            inFlightByPriority[r.priority]--;
        }
    }

    /** The database could not take this batch: alarms to memory, routine appends refused, acks deferred. */
    private void fallBack(List<AppendOp> appends, List<AckOp> acks, SQLException cause) {
        String why = storageError.isEmpty() ? "database unavailable" : storageError;
        for (AppendOp a : appends) {
            if (a.priority >= ALARM_PRIORITY && options.memoryAlarmLimit() > 0) {
                while (memory.size() >= options.memoryAlarmLimit()) {
                    Iterator<Map.Entry<Long, MemoryEntry>> it = memory.entrySet().iterator();
                    MemoryEntry dropped = it.next().getValue();
                    it.remove();
                    evicted[EvictionReason.MEMORY_FULL.ordinal()]++;
                    Logger.error("store: in-memory alarm buffer full ({}); dropped oldest alarm seq={} topic={}",
                            options.memoryAlarmLimit(), dropped.sequence, dropped.topic);
                }
                long id = nextMemoryId--;
                memory.put(id, new MemoryEntry(a.topic, a.priority, a.sequence, a.createdAt, a.payload));
                appended++;
                publishPending();
                a.result.complete(id);
            } else {
                evicted[EvictionReason.STORAGE_UNAVAILABLE.ordinal()]++;
                a.result.completeExceptionally(new StoreException("store-and-forward database " + options.path()
                        + " is unavailable (" + why + "): message seq=" + a.sequence + " priority=" + a.priority
                        + " was not stored; alarms are kept in memory until the database is writable again", cause));
            }
        }
        for (AckOp a : acks) {
            for (long id : a.ids) {
                if (id < 0) {
                    if (memory.remove(id) != null) {
                        delivered++;
                    }
                } else if (!deferredAcks.contains(id)) {
                    deferredAcks.add(id);
                }
            }
            a.result.complete(null);
        }
    }

    private Row insertRow(String topic, int priority, long sequence, long createdAt, int attempts, byte[] payload)
            throws SQLException {
        long size = topicBytes(topic) + payload.length;
        insert.setInt(1, priority);
        insert.setLong(2, sequence);
        insert.setLong(3, createdAt);
        insert.setInt(4, attempts);
        insert.setLong(5, size);
        insert.setString(6, topic);
        insert.setBytes(7, payload);
        try (ResultSet rs = insert.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("INSERT ... RETURNING id returned no row");
            }
            return new Row(rs.getLong(1), priority, size);
        }
    }

    private Row deleteRow(long id) throws SQLException {
        deleteById.setLong(1, id);
        try (ResultSet rs = deleteById.executeQuery()) {
            return rs.next() ? new Row(id, rs.getInt(1), rs.getLong(2)) : null;
        }
    }

    /**
     * Over maxMessages or maxBytes: delete pending (not in-flight) rows, lowest priority first and oldest
     * first within a priority, so an alarm goes only when no routine data is left.
     */
    private void evictForCapacity(Effects fx) throws SQLException {
        long count = totalDepth() + fx.inserted.size() - fx.acked.size();
        long bytes = dbBytes;
        for (Row r : fx.inserted) {
            bytes += r.size;
        }
        for (Row r : fx.acked) {
            bytes -= r.size;
        }
        long excessCount = count - options.maxMessages();
        long excessBytes = bytes - options.maxBytes();
        if (excessCount <= 0 && excessBytes <= 0) {
            return;
        }
        try (PreparedStatement select = conn.prepareStatement(
                "SELECT id, size FROM message WHERE priority = ? AND id > ? ORDER BY id LIMIT ?")) {
            for (int p = MIN_PRIORITY; p <= MAX_PRIORITY && (excessCount > 0 || excessBytes > 0); p++) {
                long after = cursor[p];
                boolean more = true;
                while (more && (excessCount > 0 || excessBytes > 0)) {
                    select.setInt(1, p);
                    select.setLong(2, after);
                    select.setInt(3, 512);
                    List<long[]> rows = new ArrayList<>();
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
                        }
                    }
                    more = rows.size() == 512;
                    for (long[] r : rows) {
                        if (excessCount <= 0 && excessBytes <= 0) {
                            break;
                        }
                        after = r[0];
                        Row gone = deleteRow(r[0]);
                        if (gone == null) {
                            continue;
                        }
                        fx.evicted.add(gone);
                        fx.evictedReasons.add(excessCount > 0 ? EvictionReason.CAPACITY_COUNT : EvictionReason.CAPACITY_BYTES);
                        excessCount--;
                        excessBytes -= gone.size;
                    }
                }
            }
        }
    }

    /** Deletes rows created before now - maxAge that are not in flight; at most one chunk per minute. */
    private void purgeExpired(Effects fx) throws SQLException {
        long maxAgeMs = options.maxAge().toMillis();
        long now = System.currentTimeMillis();
        if (maxAgeMs <= 0 || now < nextPurgeAt) {
            return;
        }
        long cutoff = now - maxAgeMs;
        int seen = 0;
        try (PreparedStatement select = conn.prepareStatement(
                "SELECT id, priority FROM message WHERE created_at < ? ORDER BY created_at LIMIT " + PURGE_CHUNK)) {
            select.setLong(1, cutoff);
            List<long[]> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            seen = rows.size();
            for (long[] r : rows) {
                if (r[0] <= cursor[(int) r[1]]) {
                    continue; // in flight: the uplink decides its fate
                }
                Row gone = deleteRow(r[0]);
                if (gone != null) {
                    fx.evicted.add(gone);
                    fx.evictedReasons.add(EvictionReason.MAX_AGE);
                }
            }
        }
        // Alarms held in memory age out the same way.
        for (Iterator<MemoryEntry> it = memory.values().iterator(); it.hasNext(); ) {
            MemoryEntry m = it.next();
            if (!m.inFlight && m.createdAt < cutoff) {
                it.remove();
                evicted[EvictionReason.MAX_AGE.ordinal()]++;
            }
        }
        nextPurgeAt = seen == PURGE_CHUNK ? now : now + PURGE_INTERVAL_MS;
    }

    /**
     * Hands out the next pending rows: priority 9 down to 0, oldest (lowest id) first within a priority,
     * then alarms held in memory. The attempt counts are written in the same transaction; if that write
     * fails (disk full) the rows are still handed out, with the counts kept in memory only.
     */
    private List<StoredMessage> take(int max) {
        List<StoredMessage> out = new ArrayList<>();
        long[] newCursor = cursor.clone();
        if (ensureOpen()) {
            try {
                out = takeFromDatabase(max, newCursor);
            } catch (SQLException e) {
                if (isCorruption(e)) {
                    quarantineAtRunTime(e);
                    return take(max);
                }
                Logger.error(e, "store: cannot read the queue database {}", options.path());
                out = new ArrayList<>();
                newCursor = cursor.clone();
            }
        }
        for (StoredMessage m : out) {
            unwrittenAttempts.merge(m.id(), 1, Integer::sum);
            inFlight.put(m.id(), new Row(m.id(), m.priority(), topicBytes(m.topic()) + m.payload().length));
            inFlightByPriority[m.priority()]++;
            if (m.attempts() > 1) {
                redelivered++;
            }
        }
        System.arraycopy(newCursor, 0, cursor, 0, PRIORITIES);
        // Alarms held in memory come after the database's alarms (they are newer).
        for (Map.Entry<Long, MemoryEntry> e : memory.entrySet()) {
            if (out.size() >= max) {
                break;
            }
            MemoryEntry m = e.getValue();
            if (!m.inFlight) {
                m.inFlight = true;
                m.attempts++;
                if (m.attempts > 1) {
                    redelivered++;
                }
                out.add(new StoredMessage(e.getKey(), m.topic, m.priority, m.sequence, m.createdAt, m.attempts, m.payload));
            }
        }
        return out;
    }

    /**
     * A read, no transaction of its own: the attempt counts are written by the next write transaction
     * (the acknowledgement's, typically), so draining costs one fsync per batch, not two. A crash before
     * then under-counts attempts by one; it loses no message.
     */
    private List<StoredMessage> takeFromDatabase(int max, long[] newCursor) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        try (PreparedStatement select = conn.prepareStatement("SELECT id, topic, sequence, created_at, attempts, payload"
                     + " FROM message WHERE priority = ? AND id > ? ORDER BY id LIMIT ?")) {
            {
                for (int p = MAX_PRIORITY; p >= MIN_PRIORITY && out.size() < max; p--) {
                    if (depth[p] - inFlightByPriority[p] <= 0) {
                        continue;
                    }
                    select.setInt(1, p);
                    select.setLong(2, cursor[p]);
                    select.setInt(3, max - out.size());
                    long last = cursor[p];
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            last = rs.getLong(1);
                            int attempts = rs.getInt(5) + unwrittenAttempts.getOrDefault(last, 0) + 1;
                            out.add(new StoredMessage(last, rs.getString(2), p, rs.getLong(3), rs.getLong(4),
                                    attempts, rs.getBytes(6)));
                        }
                    }
                    newCursor[p] = last;
                }
            }
        }
        return out;
    }

    private int release() {
        int n = inFlight.size();
        inFlight.clear();
        java.util.Arrays.fill(inFlightByPriority, 0);
        java.util.Arrays.fill(cursor, 0);
        for (MemoryEntry m : memory.values()) {
            if (m.inFlight) {
                m.inFlight = false;
                n++;
            }
        }
        if (n > 0) {
            Logger.info("store: released {} in-flight message(s) for re-delivery", n);
        }
        return n;
    }

    private QueueStats snapshot() {
        long oldest = Long.MAX_VALUE;
        if (conn != null && totalDepth() > 0) {
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT min(created_at) FROM message")) {
                if (rs.next() && rs.getObject(1) != null) {
                    oldest = rs.getLong(1);
                }
            } catch (SQLException e) {
                Logger.warn("store: cannot read oldest age: {}", e.getMessage());
            }
        }
        long[] byPriority = depth.clone();
        long bytes = dbBytes;
        long memInFlight = 0;
        for (MemoryEntry m : memory.values()) {
            byPriority[m.priority]++;
            bytes += topicBytes(m.topic) + m.payload.length;
            oldest = Math.min(oldest, m.createdAt);
            memInFlight += m.inFlight ? 1 : 0;
        }
        long messages = 0;
        for (long d : byPriority) {
            messages += d;
        }
        long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
        return new QueueStats(byPriority, messages, bytes, inFlight.size() + memInFlight, age, appended, delivered,
                redelivered, evictedMap(), memory.size(), storageAvailable && conn != null, storageError);
    }

    private Map<String, Long> evictedMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (EvictionReason r : EvictionReason.values()) {
            m.put(r.key(), evicted[r.ordinal()]);
        }
        return m;
    }

    private long totalDepth() {
        long n = 0;
        for (long d : depth) {
            n += d;
        }
        return n;
    }

    private void publishPending() {
        // With the database closed (unavailable) only alarms held in memory can be taken.
        long pending = conn == null ? 0 : totalDepth() - inFlight.size();
        for (MemoryEntry m : memory.values()) {
            pending += m.inFlight ? 0 : 1;
        }
        availabilityLock.lock();
        try {
            pendingForWaiters = pending;
            availableChanged.signalAll();
        } finally {
            availabilityLock.unlock();
        }
    }

    private void signalWaiters() {
        availabilityLock.lock();
        try {
            availableChanged.signalAll();
        } finally {
            availabilityLock.unlock();
        }
    }

    private void shutdown() {
        if (!memory.isEmpty() || !unwrittenAttempts.isEmpty() || !deferredAcks.isEmpty()) {
            writeTransaction(List.of(), List.of(), true);
        }
        if (!memory.isEmpty()) {
            Logger.error("store: closing with {} alarm(s) held only in memory: the database {} is still unavailable ({})",
                    memory.size(), options.path(), storageError);
        }
        closeConnection();
    }

    // ------------------------------------------------------------------ opening, corruption, failures

    /** Opens the database if it is not open and a retry is due. @return true if open */
    private boolean ensureOpen() {
        if (conn != null) {
            return true;
        }
        long now = System.currentTimeMillis();
        if (now < nextOpenAttempt) {
            return false;
        }
        try {
            openDatabase(true);
            return true;
        } catch (SQLException | java.io.IOException e) {
            nextOpenAttempt = now + options.retryInterval().toMillis();
            String msg = describe(e);
            if (storageAvailable || !msg.equals(storageError)) {
                Logger.error("store: cannot open queue database {}: {}; alarms are kept in memory, retrying every {} ms",
                        options.path(), msg, options.retryInterval().toMillis());
            }
            storageAvailable = false;
            storageError = msg;
            return false;
        }
    }

    private void openDatabase(boolean mayQuarantine) throws SQLException, java.io.IOException {
        java.nio.file.Path parent = options.path().toAbsolutePath().getParent();
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
        // The driver class directly, not DriverManager: inside OSGi DriverManager cannot see other bundles' drivers.
        Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + options.path().toAbsolutePath(),
                new java.util.Properties());
        try (Statement st = c.createStatement()) {
            // Exclusive locking before WAL: no -shm file, and a second process gets SQLITE_BUSY, not a shared queue.
            st.execute("PRAGMA locking_mode=EXCLUSIVE");
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException("cannot switch " + options.path() + " to WAL mode (got " + mode + ")");
                }
            }
            st.execute("PRAGMA synchronous=" + options.synchronous().name());
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                String verdict = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new CorruptDatabase("quick_check: " + verdict);
                }
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
            java.util.Arrays.fill(depth, 0);
            dbBytes = 0;
            try (ResultSet rs = st.executeQuery(
                    "SELECT priority, count(*), coalesce(sum(size), 0) FROM message GROUP BY priority")) {
                while (rs.next()) {
                    depth[rs.getInt(1)] = rs.getLong(2);
                    dbBytes += rs.getLong(3);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(sequence), 0) FROM message")) {
                maxSequenceAtOpen = Math.max(maxSequenceAtOpen, rs.next() ? rs.getLong(1) : 0);
            }
            insert = c.prepareStatement("INSERT INTO message (priority, sequence, created_at, attempts, size, topic, payload)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
            deleteById = c.prepareStatement("DELETE FROM message WHERE id = ? RETURNING priority, size");
        } catch (SQLException e) {
            closeQuietly(c);
            insert = null;
            deleteById = null;
            if (mayQuarantine && (e instanceof CorruptDatabase || isCorruption(e))) {
                quarantine(describe(e));
                openDatabase(false);
                return;
            }
            throw e;
        }
        conn = c;
        // Nothing is in flight after an open: a crash or restart released it (cursors start at 0).
        inFlight.clear();
        unwrittenAttempts.clear();
        java.util.Arrays.fill(inFlightByPriority, 0);
        java.util.Arrays.fill(cursor, 0);
        storageAvailable = true;
        storageError = "";
        Logger.info("store: opened {} (WAL, synchronous={}): {} message(s), {} bytes queued", options.path(),
                options.synchronous(), totalDepth(), dbBytes);
    }

    private void quarantineAtRunTime(SQLException e) {
        long lost = totalDepth();
        Logger.error("store: database {} is corrupt ({}); moving it aside with {} queued message(s) and starting fresh",
                options.path(), describe(e), lost);
        evicted[EvictionReason.CORRUPT_FILE.ordinal()] += lost;
        closeConnection();
        try {
            quarantine(describe(e));
        } catch (java.io.IOException io) {
            Logger.error(io, "store: cannot move the corrupt database {} aside", options.path());
        }
        java.util.Arrays.fill(depth, 0);
        dbBytes = 0;
        inFlight.clear();
        java.util.Arrays.fill(inFlightByPriority, 0);
        java.util.Arrays.fill(cursor, 0);
        unwrittenAttempts.clear();
        deferredAcks.clear();
        nextOpenAttempt = 0;
        ensureOpen();
    }

    /** Renames the database and its WAL/SHM files to {@code <name>.corrupt-<UTC time>[-n]}; never deletes. */
    private void quarantine(String why) throws java.io.IOException {
        java.nio.file.Path db = options.path().toAbsolutePath();
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        String base = db.getFileName() + ".corrupt-" + stamp;
        java.nio.file.Path target = db.resolveSibling(base);
        for (int n = 1; java.nio.file.Files.exists(target); n++) {
            target = db.resolveSibling(base + "-" + n);
        }
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            java.nio.file.Path from = db.resolveSibling(db.getFileName() + suffix);
            if (java.nio.file.Files.exists(from)) {
                java.nio.file.Files.move(from, target.resolveSibling(target.getFileName() + suffix),
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Logger.error("store: corrupt queue database {} ({}) moved aside to {}; a fresh database is started", db, why,
                target);
    }

    private void markUnavailable(SQLException e) {
        String msg = describe(e);
        if (storageAvailable || !msg.equals(storageError)) {
            Logger.error("store: write to {} failed: {}; alarms are kept in memory, routine messages are refused until"
                    + " it recovers", options.path(), msg);
        }
        storageAvailable = false;
        storageError = msg;
        // A broken connection (I/O error) is reopened; a full disk keeps the connection and retries.
        if (conn != null) {
            try (Statement st = conn.createStatement()) {
                st.executeQuery("SELECT 1").close();
            } catch (SQLException dead) {
                closeConnection();
                nextOpenAttempt = System.currentTimeMillis() + options.retryInterval().toMillis();
            }
        }
    }

    private static boolean isCorruption(SQLException e) {
        if (e instanceof CorruptDatabase) {
            return true;
        }
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
    }

    private static String describe(Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "cannot create directory " + m + ": a file is in the way";
        }
        return e instanceof SQLException ? m : e.getClass().getSimpleName() + ": " + m;
    }

    private void rollbackQuietly() {
        try (Statement st = conn.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing to undo then
        }
    }

    private void closeConnection() {
        if (conn != null) {
            closeQuietly(conn);
        }
        conn = null;
        insert = null;
        deleteById = null;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            Logger.warn("store: closing the database: {}", e.getMessage());
        }
    }

    private static long topicBytes(String topic) {
        return topic.getBytes(StandardCharsets.UTF_8).length;
    }

    // ------------------------------------------------------------------ small types

    private record Row(long id, int priority, long size) {
    }

    private static final class Effects {
        final List<Row> inserted = new ArrayList<>();
        final List<Long> flushedMemory = new ArrayList<>();
        final List<Row> acked = new ArrayList<>();
        final List<Long> memoryAcks = new ArrayList<>();
        final List<Row> evicted = new ArrayList<>();
        final List<EvictionReason> evictedReasons = new ArrayList<>();
        boolean attemptsWritten;
    }

    private static final class MemoryEntry {
        final String topic;
        final int priority;
        final long sequence;
        final long createdAt;
        final byte[] payload;
        int attempts;
        boolean inFlight;

        MemoryEntry(String topic, int priority, long sequence, long createdAt, byte[] payload) {
            this.topic = topic;
            this.priority = priority;
            this.sequence = sequence;
            this.createdAt = createdAt;
            this.payload = payload;
        }
    }

    private static final class CorruptDatabase extends SQLException {
        private static final long serialVersionUID = 1L;

        CorruptDatabase(String message) {
            super(message);
        }
    }

    private abstract static class Op {
        abstract void fail(Throwable t);
    }

    private static final class AppendOp extends Op {
        final String topic;
        final int priority;
        final long sequence;
        final long createdAt;
        final byte[] payload;
        final CompletableFuture<Long> result = new CompletableFuture<>();
        long id;

        AppendOp(String topic, int priority, long sequence, long createdAt, byte[] payload) {
            this.topic = topic;
            this.priority = priority;
            this.sequence = sequence;
            this.createdAt = createdAt;
            this.payload = payload;
        }

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static final class AckOp extends Op {
        final long[] ids;
        final CompletableFuture<Void> result = new CompletableFuture<>();

        AckOp(long[] ids) {
            this.ids = ids;
        }

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static final class TakeOp extends Op {
        final int max;
        final CompletableFuture<List<StoredMessage>> result = new CompletableFuture<>();

        TakeOp(int max) {
            this.max = max;
        }

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static final class ReleaseOp extends Op {
        final CompletableFuture<Integer> result = new CompletableFuture<>();

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static final class StatsOp extends Op {
        final CompletableFuture<QueueStats> result = new CompletableFuture<>();

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static final class CloseOp extends Op {
        final CompletableFuture<Void> result = new CompletableFuture<>();

        @Override
        void fail(Throwable t) {
            result.complete(null);
        }
    }
}
