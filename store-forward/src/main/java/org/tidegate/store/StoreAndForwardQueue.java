package org.tidegate.store;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable queue of sealed messages. The pipeline appends; the uplink drains:
 * <pre>
 *   while (running) {
 *       if (!queue.awaitAvailable(1000)) continue;
 *       List&lt;StoredMessage&gt; batch = queue.takeBatch(32);
 *       for (StoredMessage m : batch) publish(m);            // acknowledge(m.id()) when the broker confirms
 *   }
 *   // on disconnect: queue.releaseInFlight();              // unacknowledged entries are sent again
 * </pre>
 * Delivery is at least once: nothing is deleted before {@link #acknowledge}. Order is priority descending
 * (9 = alarm first), then age (insertion order) within a priority. All methods are thread-safe.
 */
@ProviderType
public interface StoreAndForwardQueue extends AutoCloseable {

    int MIN_PRIORITY = 0;
    int MAX_PRIORITY = 9;
    /** Alarms: never evicted for capacity while routine data remains; kept in memory if the disk fails. */
    int ALARM_PRIORITY = 9;
    /**
     * Messages of at least this priority (alarms, and replies to accepted commands at 8) are written while the disk
     * is full and kept in memory while the database is unavailable; below it they are refused then (1.4). Remote
     * management is needed most when the disk is full: its replies must not be the first thing dropped.
     */
    int KEPT_PRIORITY = 8;

    /**
     * Appends one sealed message. On a normal return the message is durable (committed and synced at the
     * configured synchronous level, FULL by default): it survives a process kill and a power cut.
     * While the database is unavailable (disk full, unreadable) an alarm is kept in memory instead and
     * still returns (with a negative id); a routine message is refused with a StoreException.
     *
     * @param priority 0 … 9
     * @return the queue id
     * @throws StoreException the message was not stored
     * @throws IllegalArgumentException bad priority, null topic or payload
     */
    long append(String topic, int priority, long sequence, long createdAt, byte[] payload) throws StoreException;

    /**
     * Appends one sealed message without waiting for its commit (pipelined appends, 1.2): the caller can hand in
     * many messages while earlier commits are syncing, and the store commits them together. The message counts as
     * accepted only when the future completes normally, and then it is exactly as durable as after
     * {@link #append} returned; completed exceptionally (the cause a {@link StoreException}), it was not stored.
     * Futures complete in append order on one of the store's own threads: dependent actions must be short.
     *
     * @throws IllegalArgumentException bad priority, null topic or payload (at once, not through the future)
     */
    default CompletableFuture<Long> appendAsync(String topic, int priority, long sequence, long createdAt,
                                                byte[] payload) {
        try {
            return CompletableFuture.completedFuture(append(topic, priority, sequence, createdAt, payload));
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Hands out up to {@code max} pending messages, highest priority first, oldest first within a priority,
     * and marks them in flight: they are not handed out again until released, and not deleted until
     * acknowledged. Increments each one's attempt count. Never blocks on an empty queue (returns empty).
     */
    List<StoredMessage> takeBatch(int max);

    /**
     * As {@link #takeBatch(int)}, handing out only messages of priority {@code minPriority} or higher (1.3): the
     * uplink fills the in-flight slots it keeps for alarms with alarms only, never with the backlog.
     *
     * @throws IllegalArgumentException {@code minPriority} outside 0 … 9
     */
    List<StoredMessage> takeBatch(int max, int minPriority);

    /**
     * Alarms ({@link #ALARM_PRIORITY}) pending now, not in flight, those held in memory included (1.3). Read from the
     * state the store publishes after every change, so it costs no round trip to the store's thread: the uplink
     * asks it before every take.
     */
    long alarmsPending();

    /**
     * Runs {@code listener} every time the store published a change while messages are pending (after each commit
     * or take, on the store's own thread: it must be short and never block) (1.3). The uplink rings its own wake-up
     * with it, so an alarm committed while the in-flight window is full is published at once instead of at the
     * next PUBACK or poll.
     */
    void addPendingListener(Runnable listener);

    void removePendingListener(Runnable listener);

    /** The uplink's broker confirmed this message: delete it. Unknown ids are ignored. */
    void acknowledge(long id);

    void acknowledge(Collection<Long> ids);

    /**
     * As {@link #acknowledge(Collection)} without waiting for the deletion's commit (1.2): the uplink goes on
     * publishing while it syncs. A crash before that commit sends the messages again (at least once).
     */
    default CompletableFuture<Void> acknowledgeAsync(Collection<Long> ids) {
        acknowledge(ids);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Returns every in-flight message to pending (after a disconnect), so the next takeBatch hands them out
     * again. Opening the queue after a crash does this implicitly.
     *
     * @return how many were released
     */
    int releaseInFlight();

    /**
     * Blocks until at least one message is pending (not in flight), or the timeout passes, so the uplink
     * need not spin.
     *
     * @return true if something is pending
     */
    boolean awaitAvailable(long timeoutMillis) throws InterruptedException;

    QueueStats stats();

    /** Commits what is queued, stops the writer and closes the database. Appends after close throw. */
    @Override
    void close();
}
