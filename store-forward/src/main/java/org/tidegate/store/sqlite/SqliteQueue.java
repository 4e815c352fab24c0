package org.tidegate.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;
import org.tinylog.Logger;

/**
 * The store-and-forward queue on one SQLite file (WAL mode, exclusive locking): the thread-safe front.
 * It checks arguments, hands every call to the writer thread and waits for the answer.
 *
 * <p>The parts, one job each:
 * <ul>
 * <li>{@link QueueWriter}: the writer thread and group commit; why an append that returned is durable
 *     ("what is atomic, and why") is explained there;</li>
 * <li>{@link QueueDatabase}: the storage core: one connection, schema, statements, transactions;</li>
 * <li>{@link RetentionPolicy}: capacity eviction and max-age purge;</li>
 * <li>{@link Quarantine}: a corrupt file is moved aside (never deleted) and a fresh one started, after
 *     {@link Salvage} copied every readable message into it and counted what was lost;</li>
 * <li>{@link HighWaterMark}: the durable highest id/sequence committed, to detect a WAL tail SQLite dropped;</li>
 * <li>{@link Storage}: whether the database is open, and retrying when it is not;</li>
 * <li>{@link HeldAlarms}: alarms kept in memory while the database is unavailable;</li>
 * <li>{@link Backlog}: counts and in-flight state of the rows on disk;
 *     {@link QueueCounters}: the counters and their log line.</li>
 * </ul>
 */
public final class SqliteQueue implements StoreAndForwardQueue {
    private static final int MAX_TOPIC_BYTES = 65_535;
    private static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

    private final QueueOptions options;
    private final PendingCount pending = new PendingCount();
    private final QueueWriter writer;
    /** Guards closed + enqueueing, so that nothing can be queued behind the close request. */
    private final Object submitLock = new Object();
    private volatile boolean closed;
    private volatile boolean existedAtOpen;

    private SqliteQueue(QueueOptions options) {
        this.options = options;
        this.writer = new QueueWriter(options, pending);
    }

    /**
     * Opens (or creates) the queue. Storage problems do not throw: the queue starts degraded (alarms in
     * memory) and keeps retrying; see {@link QueueStats#storageAvailable()}.
     */
    public static SqliteQueue open(QueueOptions options) {
        SqliteQueue q = new SqliteQueue(options);
        q.existedAtOpen = Files.exists(options.path());
        q.writer.start();
        return q;
    }

    /**
     * Bytes that can still be written in {@code dir} (or in the nearest existing parent, for a directory that
     * is not created yet); -1 if unknown. For {@code validate}'s free-space warning.
     */
    public static long usableBytes(java.nio.file.Path dir) {
        return DiskReserve.usableBytes(dir);
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
        return writer.counters().commits();
    }

    /** Explicit WAL checkpoints by the writer so far (this package's tests). */
    long checkpointCount() {
        return writer.counters().checkpoints();
    }

    /** The highest envelope sequence number queued when the database was opened (0 if none). */
    public long maxSequenceAtOpen() {
        return writer.maxSequenceAtOpen();
    }

    @Override
    public long append(String topic, int priority, long sequence, long createdAt, byte[] payload) throws StoreException {
        Request.Append request = checked(topic, priority, sequence, createdAt, payload);
        if (!offer(request)) {
            throw new StoreException("store-and-forward queue " + options.path() + " is closed");
        }
        return await(request.result);
    }

    @Override
    public CompletableFuture<Long> appendAsync(String topic, int priority, long sequence, long createdAt,
                                               byte[] payload) {
        Request.Append request = checked(topic, priority, sequence, createdAt, payload);
        if (!offer(request)) {
            return CompletableFuture.failedFuture(
                    new StoreException("store-and-forward queue " + options.path() + " is closed"));
        }
        // The caller's view: completing or cancelling it cannot touch the writer's own future.
        return request.result.handle((id, failure) -> {
            if (failure == null) {
                return id;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            throw new CompletionException(cause instanceof StoreException ? cause
                    : new StoreException("store-and-forward append failed: " + cause, cause));
        });
    }

    private static Request.Append checked(String topic, int priority, long sequence, long createdAt, byte[] payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0..9, got " + priority);
        }
        // A UTF-8 character is at most 3 bytes per char: only long topics need encoding to be checked.
        if (topic.length() * 3 > MAX_TOPIC_BYTES && topic.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic longer than " + MAX_TOPIC_BYTES + " bytes");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
        }
        return new Request.Append(topic, priority, sequence, createdAt, payload);
    }

    @Override
    public List<StoredMessage> takeBatch(int max) {
        return takeBatch(max, MIN_PRIORITY);
    }

    @Override
    public List<StoredMessage> takeBatch(int max, int minPriority) {
        if (minPriority < MIN_PRIORITY || minPriority > MAX_PRIORITY) {
            throw new IllegalArgumentException("minPriority must be 0 … 9, got " + minPriority);
        }
        if (max <= 0) {
            return List.of();
        }
        Request.Take request = new Request.Take(max, minPriority);
        return submitQuietly(request, request.result, List.of());
    }

    @Override
    public long alarmsPending() {
        return pending.alarms();
    }

    @Override
    public void addPendingListener(Runnable listener) {
        pending.addListener(listener);
    }

    @Override
    public void removePendingListener(Runnable listener) {
        pending.removeListener(listener);
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
        Request.Acknowledge request = new Request.Acknowledge(ids.stream().mapToLong(Long::longValue).toArray());
        submitQuietly(request, request.result, null);
    }

    @Override
    public CompletableFuture<Void> acknowledgeAsync(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Request.Acknowledge request = new Request.Acknowledge(ids.stream().mapToLong(Long::longValue).toArray());
        if (!offer(request)) {
            return CompletableFuture.completedFuture(null);
        }
        return request.result.handle((v, failure) -> {
            if (failure != null) {
                Logger.error(failure, "store: Acknowledge failed");
            }
            return null;
        });
    }

    @Override
    public int releaseInFlight() {
        Request.Release request = new Request.Release();
        return submitQuietly(request, request.result, 0);
    }

    @Override
    public boolean awaitAvailable(long timeoutMillis) throws InterruptedException {
        return pending.await(timeoutMillis);
    }

    @Override
    public QueueStats stats() {
        Request.Stats request = new Request.Stats();
        QueueStats s = submitQuietly(request, request.result, null);
        return s == null ? writer.counters().whenClosed() : s;
    }

    /** Reports the writer thread's progress to {@code heartbeat} from now on (the service watchdog). */
    public void heartbeat(org.tidegate.core.health.Heartbeat heartbeat) {
        writer.heartbeat = java.util.Objects.requireNonNull(heartbeat);
    }

    @Override
    public void close() {
        Request.Close request = new Request.Close();
        synchronized (submitLock) {
            if (closed) {
                return;
            }
            closed = true;
            pending.markClosed();
            writer.enqueue(request);
        }
        request.result.join();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.wakeAll();
    }

    private boolean offer(Request request) {
        synchronized (submitLock) {
            if (closed) {
                return false;
            }
            writer.enqueue(request);
            return true;
        }
    }

    private <T> T submitQuietly(Request request, CompletableFuture<T> result, T whenClosed) {
        if (!offer(request)) {
            return whenClosed;
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            Logger.error(e.getCause(), "store: {} failed", request.getClass().getSimpleName());
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
}
