package org.tidegate.store.sqlite;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoredMessage;
import org.tinylog.Logger;

/**
 * Alarms (and replies to accepted commands: {@link org.tidegate.store.StoreAndForwardQueue#KEPT_PRIORITY}) kept in memory while the database cannot be written (disk full, I/O error, unusable path), so that
 * an alarm append still returns and the uplink can still send it. They get negative ids, oldest first, at
 * most {@code limit} of them (beyond it the oldest is dropped and counted as {@code memory-full}); the
 * first write transaction that succeeds moves them into the database. Owned by the writer thread.
 */
final class HeldAlarms {

    /** One held alarm; mutable because it can be handed out and released like a row. */
    static final class Alarm {
        final String topic;
        final int priority;
        final long sequence;
        final long createdAt;
        final byte[] payload;
        int attempts;
        boolean inFlight;

        Alarm(String topic, int priority, long sequence, long createdAt, byte[] payload) {
            this.topic = topic;
            this.priority = priority;
            this.sequence = sequence;
            this.createdAt = createdAt;
            this.payload = payload;
        }
    }

    private final int limit;
    /** Keyed by the negative id, in the order they were held (oldest first). */
    private final LinkedHashMap<Long, Alarm> alarms = new LinkedHashMap<>();
    private long nextId = -1;

    HeldAlarms(int limit) {
        this.limit = limit;
    }

    /** True if a message of this priority is held while the database is unavailable (else it is refused). */
    boolean accepts(int priority) {
        return priority >= StoreAndForwardQueue.KEPT_PRIORITY && limit > 0;
    }

    /** Holds an alarm, dropping the oldest ones if the buffer is full. @return its (negative) id */
    long hold(String topic, int priority, long sequence, long createdAt, byte[] payload, QueueCounters counters) {
        while (alarms.size() >= limit) {
            Iterator<Map.Entry<Long, Alarm>> it = alarms.entrySet().iterator();
            Alarm dropped = it.next().getValue();
            it.remove();
            counters.countEvicted(EvictionReason.MEMORY_FULL, 1);
            Logger.error("store: in-memory alarm buffer full ({}); dropped oldest alarm seq={} topic={}", limit,
                    dropped.sequence, dropped.topic);
        }
        long id = nextId--;
        alarms.put(id, new Alarm(topic, priority, sequence, createdAt, payload));
        return id;
    }

    boolean isEmpty() {
        return alarms.isEmpty();
    }

    int size() {
        return alarms.size();
    }

    /** Every held alarm by id, oldest first (read-only view). */
    Map<Long, Alarm> all() {
        return Collections.unmodifiableMap(alarms);
    }

    /** Acknowledged, or written to the database. @return true if it was held */
    boolean remove(long id) {
        return alarms.remove(id) != null;
    }

    /**
     * Hands out held alarms that are not in flight until {@code out} holds {@code max} messages.
     *
     * @return how many of them were handed out before (re-deliveries)
     */
    int take(int max, List<StoredMessage> out) {
        int redelivered = 0;
        for (Map.Entry<Long, Alarm> e : alarms.entrySet()) {
            if (out.size() >= max) {
                break;
            }
            Alarm m = e.getValue();
            if (!m.inFlight) {
                m.inFlight = true;
                m.attempts++;
                if (m.attempts > 1) {
                    redelivered++;
                }
                out.add(new StoredMessage(e.getKey(), m.topic, m.priority, m.sequence, m.createdAt, m.attempts, m.payload));
            }
        }
        return redelivered;
    }

    /** @return how many were in flight */
    int release() {
        int n = 0;
        for (Alarm m : alarms.values()) {
            if (m.inFlight) {
                m.inFlight = false;
                n++;
            }
        }
        return n;
    }

    /** Max-age applies to held alarms as to rows: drops those created before {@code cutoff}, not in flight. */
    int dropCreatedBefore(long cutoff) {
        int n = 0;
        for (Iterator<Alarm> it = alarms.values().iterator(); it.hasNext(); ) {
            Alarm m = it.next();
            if (!m.inFlight && m.createdAt < cutoff) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    /** Held alarms that can be taken now. */
    long waiting() {
        long n = 0;
        for (Alarm m : alarms.values()) {
            n += m.inFlight ? 0 : 1;
        }
        return n;
    }

    long inFlight() {
        return alarms.size() - waiting();
    }

    /** Adds the held alarms to a per-priority depth array. */
    void addDepth(long[] byPriority) {
        for (Alarm m : alarms.values()) {
            byPriority[m.priority]++;
        }
    }

    /** Topic + payload bytes held, counted as rows count them. */
    long bytes() {
        long n = 0;
        for (Alarm m : alarms.values()) {
            n += QueueDatabase.topicBytes(m.topic) + m.payload.length;
        }
        return n;
    }

    /** @return the oldest createdAt held, or Long.MAX_VALUE if none */
    long oldestCreatedAt() {
        long oldest = Long.MAX_VALUE;
        for (Alarm m : alarms.values()) {
            oldest = Math.min(oldest, m.createdAt);
        }
        return oldest;
    }
}
