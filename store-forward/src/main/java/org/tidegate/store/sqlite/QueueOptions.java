package org.tidegate.store.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link SqliteQueue}; see docs/store-forward.md for the matching gateway.json keys.
 *
 * @param path             the database file
 * @param maxBytes         bound on queued payload + topic bytes; over it the lowest-priority, oldest go first
 * @param maxMessages      bound on queued messages, same eviction order
 * @param maxAge           messages created longer ago than this are purged (zero or negative: never)
 * @param synchronous      SQLite synchronous level (FULL by default)
 * @param maxBatch         most appends/acks that share one transaction (one fsync)
 * @param memoryAlarmLimit alarms kept in memory while the database is unavailable; beyond it the oldest go
 * @param retryInterval    how often to retry an unavailable database
 * @param reserveBytes     size of the reserve file beside the database, released when the disk is full so
 *                         that deletes and checkpoints can run ({@link DiskReserve}); 0 = none
 */
public record QueueOptions(Path path, long maxBytes, long maxMessages, Duration maxAge, Synchronous synchronous,
                           int maxBatch, int memoryAlarmLimit, Duration retryInterval,
                           long reserveBytes) {

    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_MESSAGES = 1_000_000;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    /**
     * The reserve: four times the WAL bound, so that a checkpoint of a full WAL (which can grow the database
     * file by as much) and the deletes and held alarms written after it fit in what the reserve gives back.
     */
    public static final long DEFAULT_RESERVE_BYTES = 4 * QueueDatabase.WAL_LIMIT_BYTES;

    public QueueOptions {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(synchronous, "synchronous");
        Objects.requireNonNull(retryInterval, "retryInterval");
        if (maxBytes <= 0 || maxMessages <= 0) {
            throw new IllegalArgumentException("store.maxBytes and store.maxMessages must be positive, got "
                    + maxBytes + " and " + maxMessages);
        }
        if (maxBatch < 1 || memoryAlarmLimit < 0 || reserveBytes < 0) {
            throw new IllegalArgumentException("maxBatch must be >= 1, memoryAlarmLimit and reserveBytes >= 0");
        }
    }

    public static QueueOptions defaults(Path path) {
        return new QueueOptions(path, DEFAULT_MAX_BYTES, DEFAULT_MAX_MESSAGES, DEFAULT_MAX_AGE, Synchronous.FULL,
                1024, 10_000, Duration.ofSeconds(2), DEFAULT_RESERVE_BYTES);
    }

    /**
     * Free bytes the store needs in its directory to start: its reserve, plus room for a new database file and
     * a full WAL ({@link QueueDatabase#WAL_LIMIT_BYTES} each). Below it the open path says so, naming both numbers.
     */
    public long startupBytes() {
        return reserveBytes + 2 * QueueDatabase.WAL_LIMIT_BYTES;
    }

    public QueueOptions withMaxBytes(long v) {
        return new QueueOptions(path, v, maxMessages, maxAge, synchronous, maxBatch, memoryAlarmLimit, retryInterval, reserveBytes);
    }

    public QueueOptions withMaxMessages(long v) {
        return new QueueOptions(path, maxBytes, v, maxAge, synchronous, maxBatch, memoryAlarmLimit, retryInterval, reserveBytes);
    }

    public QueueOptions withMaxAge(Duration v) {
        return new QueueOptions(path, maxBytes, maxMessages, v, synchronous, maxBatch, memoryAlarmLimit, retryInterval, reserveBytes);
    }

    public QueueOptions withSynchronous(Synchronous v) {
        return new QueueOptions(path, maxBytes, maxMessages, maxAge, v, maxBatch, memoryAlarmLimit, retryInterval, reserveBytes);
    }

    public QueueOptions withMaxBatch(int v) {
        return new QueueOptions(path, maxBytes, maxMessages, maxAge, synchronous, v, memoryAlarmLimit, retryInterval, reserveBytes);
    }

    public QueueOptions withMemoryAlarmLimit(int v) {
        return new QueueOptions(path, maxBytes, maxMessages, maxAge, synchronous, maxBatch, v, retryInterval, reserveBytes);
    }

    public QueueOptions withRetryInterval(Duration v) {
        return new QueueOptions(path, maxBytes, maxMessages, maxAge, synchronous, maxBatch, memoryAlarmLimit, v, reserveBytes);
    }

    public QueueOptions withReserveBytes(long v) {
        return new QueueOptions(path, maxBytes, maxMessages, maxAge, synchronous, maxBatch, memoryAlarmLimit,
                retryInterval, v);
    }
}
