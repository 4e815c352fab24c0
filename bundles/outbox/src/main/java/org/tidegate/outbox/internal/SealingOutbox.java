package org.tidegate.outbox.internal;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.outbox.Topics;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;
import org.tinylog.Logger;

/**
 * The {@link Outbox}: numbers, seals and stores. Numbering, the created-at time and the choice of data key
 * ({@link EnvelopeSealer#reserve}) share one lock, so sequence order is created-at order and a nonce never repeats;
 * the expensive part of sealing (deflate, SM4-GCM, SM2 signature) and the append to the queue happen outside it,
 * so callers on several threads seal in parallel and one slow disk write does not hold up the others.
 */
public final class SealingOutbox implements Outbox {
    private final Topics topics;
    private final SequenceSource sequences;
    private final EnvelopeSealer sealer;
    private final StoreAndForwardQueue queue;
    private final Clock clock;
    private final Object sealLock = new Object();
    private final Object expressLock = new Object();
    private Consumer<SealedMessage> express; // guarded by expressLock
    private long newestAlarm; // guarded by expressLock

    public SealingOutbox(Topics topics, SequenceSource sequences, EnvelopeSealer sealer, StoreAndForwardQueue queue,
                         Clock clock) {
        this.topics = Objects.requireNonNull(topics);
        this.sequences = Objects.requireNonNull(sequences);
        this.sealer = Objects.requireNonNull(sealer);
        this.queue = Objects.requireNonNull(queue);
        this.clock = Objects.requireNonNull(clock);
        if (!sealer.senderId().equals(topics.gatewayId())) {
            throw new IllegalArgumentException("the sealer signs as \"" + sealer.senderId()
                    + "\" but the gateway id is \"" + topics.gatewayId() + "\"");
        }
    }

    @Override
    public long submit(ContentType type, String device, int priority, byte[] body) throws StoreException {
        SealedMessage m = seal(type, device, priority, body);
        offerAlarm(m);
        queue.append(m.topic(), m.priority(), m.sequence(), m.createdAt(), m.frame());
        return m.sequence();
    }

    @Override
    public SealedMessage seal(ContentType type, String device, int priority, byte[] body) throws StoreException {
        if (priority < StoreAndForwardQueue.MIN_PRIORITY || priority > StoreAndForwardQueue.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0 … 9, got " + priority);
        }
        String topic = topics.forMessage(type, device);
        EnvelopeSealer.Reservation r;
        long now;
        synchronized (sealLock) {
            long sequence = sequences.next();
            now = clock.millis();
            r = sealer.reserve(type, priority, sequence, now);
        }
        // Deflate, encrypt and sign outside the lock: callers on several threads seal in parallel.
        return new SealedMessage(topic, type, priority, r.sequence(), now, r.seal(body));
    }

    @Override
    public CompletableFuture<Long> submitAsync(ContentType type, String device, int priority, byte[] body) {
        SealedMessage m;
        try {
            m = seal(type, device, priority, body);
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        offerAlarm(m);
        return queue.appendAsync(m.topic(), m.priority(), m.sequence(), m.createdAt(), m.frame())
                .thenApply(id -> m.sequence());
    }

    @Override
    public long expressAlarms(Consumer<SealedMessage> listener) {
        synchronized (expressLock) {
            express = listener;
            return newestAlarm;
        }
    }

    /**
     * Before the append: the point is not to wait for the commit. Under the lock, so that what
     * {@link #expressAlarms} returns and what the listener sees never leave an alarm in between.
     */
    private void offerAlarm(SealedMessage m) {
        if (m.priority() < StoreAndForwardQueue.ALARM_PRIORITY) {
            return;
        }
        synchronized (expressLock) {
            newestAlarm = Math.max(newestAlarm, m.sequence());
            if (express != null) {
                try {
                    express.accept(m);
                } catch (RuntimeException e) {
                    Logger.warn(e, "outbox: the express listener failed for alarm seq={}; it goes by the store",
                            m.sequence());
                }
            }
        }
    }

    @Override
    public Topics topics() {
        return topics;
    }
}
