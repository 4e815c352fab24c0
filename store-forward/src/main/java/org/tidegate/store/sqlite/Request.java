package org.tidegate.store.sqlite;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoredMessage;

/**
 * What a caller hands the writer thread, with the future it waits on. Appends and acknowledgements are
 * written in the next group commit; the others are answered from the writer's state after it.
 */
abstract class Request {
    /**
     * Set by the writer once the request's transaction committed and its future went to the {@link Completer}: a
     * failure later in the same turn must not fail it (writer thread only).
     */
    boolean committed;

    /** The writer could not handle the batch this request was in. */
    abstract void fail(Throwable t);

    static final class Append extends Request {
        final String topic;
        final int priority;
        final long sequence;
        final long createdAt;
        final byte[] payload;
        final CompletableFuture<Long> result = new CompletableFuture<>();
        /** Set inside the transaction; handed to the caller only after COMMIT. */
        long id;

        Append(String topic, int priority, long sequence, long createdAt, byte[] payload) {
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

    static final class Acknowledge extends Request {
        final long[] ids;
        final CompletableFuture<Void> result = new CompletableFuture<>();

        Acknowledge(long[] ids) {
            this.ids = ids;
        }

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    static final class Take extends Request {
        final int max;
        /** Only messages of this priority or higher (the uplink's alarm slots take alarms only). */
        final int minPriority;
        final CompletableFuture<List<StoredMessage>> result = new CompletableFuture<>();

        Take(int max, int minPriority) {
            this.max = max;
            this.minPriority = minPriority;
        }

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    static final class Release extends Request {
        final CompletableFuture<Integer> result = new CompletableFuture<>();

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    static final class Stats extends Request {
        final CompletableFuture<QueueStats> result = new CompletableFuture<>();

        @Override
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    static final class Close extends Request {
        final CompletableFuture<Void> result = new CompletableFuture<>();

        /** close() must return even if the last batch failed: there is nothing left to retry. */
        @Override
        void fail(Throwable t) {
            result.complete(null);
        }
    }
}
