package org.tidegate.pipeline;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where finished message bodies go: the outbox bundle's {@code Outbox} seals, numbers and durably stores them (so they
 * are sent when the link allows), or a test records them.
 */
@ConsumerType
public interface MessageSink {
    /**
     * Hands over one plain body. On a normal return the message is the sink's responsibility (stored).
     *
     * @param device   the device the message is about, or null for gateway-wide messages (status)
     * @param priority 0 … 9, from the outbox's one table ({@code org.tidegate.outbox.Priority})
     * @return the message's sequence number
     * @throws RuntimeException if the message was not accepted (the pipeline retries alarms and events)
     */
    long submit(MessageKind kind, String device, int priority, byte[] body);

    /**
     * As {@link #submit}, without waiting for the message to be durable (2.1): the sink seals it now and
     * completes the future with its sequence number once it is stored; completed exceptionally, it was not
     * accepted (the pipeline hands it over again). Dependent actions run on the sink's thread. The default
     * submits synchronously.
     *
     * @throws IllegalArgumentException if the message can never be taken (at once, not through the future)
     */
    default java.util.concurrent.CompletableFuture<Long> submitAsync(MessageKind kind, String device, int priority,
                                                                     byte[] body) {
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(submit(kind, device, priority, body));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /**
     * How many accepted alarms the sink holds only in memory now (the store keeps alarms in memory while its disk
     * is full): lost if the process ended now. 0 when everything it accepted is durable; -1 when it cannot say.
     * The pipeline remembers alarms accepted while this is not 0 and keeps them through a shutdown.
     */
    default long heldInMemory() {
        return 0;
    }
}
