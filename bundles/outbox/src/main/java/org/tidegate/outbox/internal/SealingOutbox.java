package org.tidegate.outbox.internal;

import java.time.Clock;
import java.util.Objects;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.outbox.Topics;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;

/**
 * The {@link Outbox}: numbers, seals and stores. Numbering and sealing share one lock, so the sequence order is
 * the sealing order (and the created-at order); the append to the queue happens outside it so that one slow
 * disk write does not hold up sealing on other threads.
 */
public final class SealingOutbox implements Outbox {
    private final Topics topics;
    private final SequenceSource sequences;
    private final EnvelopeSealer sealer;
    private final StoreAndForwardQueue queue;
    private final Clock clock;
    private final Object sealLock = new Object();

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
        queue.append(m.topic(), m.priority(), m.sequence(), m.createdAt(), m.frame());
        return m.sequence();
    }

    @Override
    public SealedMessage seal(ContentType type, String device, int priority, byte[] body) throws StoreException {
        if (priority < StoreAndForwardQueue.MIN_PRIORITY || priority > StoreAndForwardQueue.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0 … 9, got " + priority);
        }
        String topic = topics.forMessage(type, device);
        synchronized (sealLock) {
            long sequence = sequences.next();
            long now = clock.millis();
            byte[] frame = sealer.seal(type, priority, sequence, now, body);
            return new SealedMessage(topic, type, priority, sequence, now, frame);
        }
    }

    @Override
    public Topics topics() {
        return topics;
    }
}
