package org.tidegate.outbox;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.outbox.internal.SealingOutbox;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;

/**
 * The one place where the gateway turns a message body into a stored, sealed message: it takes the next
 * sequence number, seals the body (numbering and sealing under one lock, so sequence order is sealing order),
 * chooses the topic and appends the sealed bytes to the store-and-forward queue, from which the uplink
 * publishes them.
 *
 * <p>In OSGi the outbox bundle registers one as a service (with the property {@code gatewayId}); without OSGi
 * (tests, benchmarks, the demo) {@link #create} makes one from the same parts.
 */
@ProviderType
public interface Outbox {

    /**
     * @param type     telemetry, alarm, status or reply
     * @param device   the device id for telemetry and alarms; null for status and replies
     * @param priority 0 … 9, normally {@link Priority#value()} of the message's kind ({@link Priority#of})
     * @param body     UTF-8 JSON (envelope.md)
     * @return the envelope's sequence number
     * @throws StoreException the message was not stored (the caller decides whether to retry or drop)
     */
    long submit(ContentType type, String device, int priority, byte[] body) throws StoreException;

    /**
     * As {@link #submit}, without waiting for the store's commit (1.1): numbered and sealed on the caller's
     * thread, then appended with {@link StoreAndForwardQueue#appendAsync}, so a caller can keep many messages
     * in the store's pipeline. The message is accepted (durable) only when the future completes with its
     * sequence number; completed exceptionally (a {@link StoreException}) it was not stored.
     */
    default CompletableFuture<Long> submitAsync(ContentType type, String device, int priority, byte[] body) {
        try {
            return CompletableFuture.completedFuture(submit(type, device, priority, body));
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Numbers and seals without storing: only for messages that belong to one MQTT connection and are never
     * worth sending later — the birth ({@code online}), the will and the shutdown {@code offline} status. They
     * still take a sequence number from the same counter, so a receiver's duplicate filter and the envelope's
     * "strictly increasing" rule hold for them too.
     *
     * @throws StoreException the sequence number could not be taken
     */
    SealedMessage seal(ContentType type, String device, int priority, byte[] body) throws StoreException;

    /**
     * Hands every alarm (priority {@link StoreAndForwardQueue#ALARM_PRIORITY}) that {@link #submit} or
     * {@link #submitAsync} seals from now on to {@code listener} as well, the moment it is sealed and before its
     * append to the store (1.2): the uplink publishes it at once instead of after the store's commit, which waits
     * for the routine write in progress (see docs/mqtt.md, "Alarms ahead of their commit"). The alarm is appended as
     * before and stays in the store until the uplink acknowledges it. One listener; {@code null} removes it. The
     * listener runs on the sealing thread and must not block.
     *
     * @return the sequence number of the newest alarm sealed before this call (0: none): those the listener never
     *         saw, so an uplink keeps every newer alarm behind them; {@link Long#MAX_VALUE} from an outbox that
     *         offers none (this default)
     */
    default long expressAlarms(Consumer<SealedMessage> listener) {
        return Long.MAX_VALUE;
    }

    /** The gateway's topics. */
    Topics topics();

    /** An outbox over these parts; the sealer must sign as {@code topics.gatewayId()}. */
    static Outbox create(Topics topics, SequenceSource sequences, EnvelopeSealer sealer, StoreAndForwardQueue queue) {
        return new SealingOutbox(topics, sequences, sealer, queue, Clock.systemUTC());
    }

    /** As above with a clock for the envelopes' created-at time. */
    static Outbox create(Topics topics, SequenceSource sequences, EnvelopeSealer sealer, StoreAndForwardQueue queue,
                         Clock clock) {
        return new SealingOutbox(topics, sequences, sealer, queue, clock);
    }
}
