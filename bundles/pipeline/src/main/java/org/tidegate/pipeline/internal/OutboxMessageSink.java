package org.tidegate.pipeline.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tidegate.crypto.ContentType;
import org.tidegate.outbox.Outbox;
import org.tidegate.pipeline.MessageKind;
import org.tidegate.pipeline.MessageSink;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;

/**
 * Adapts the outbox bundle's {@link Outbox} (seal, number, store) to the pipeline's {@link MessageSink}, so the
 * pipeline itself stays a plain class that tests feed with a recording sink.
 */
@Component(service = MessageSink.class)
public class OutboxMessageSink implements MessageSink {
    private final Outbox outbox;
    private final StoreAndForwardQueue queue;

    /** @param queue the outbox's store, asked how many alarms it holds only in memory; null: cannot say */
    @Activate
    public OutboxMessageSink(@Reference Outbox outbox, @Reference StoreAndForwardQueue queue) {
        this.outbox = outbox;
        this.queue = queue;
    }

    /** Without the store: {@link #heldInMemory} cannot say (-1). */
    public OutboxMessageSink(Outbox outbox) {
        this(outbox, null);
    }

    @Override
    public long heldInMemory() {
        return queue == null ? -1 : queue.stats().heldInMemory();
    }

    @Override
    public long submit(MessageKind kind, String device, int priority, byte[] body) {
        try {
            return outbox.submit(contentType(kind), device, priority, body);
        } catch (StoreException e) {
            // Not stored (disk unavailable for routine data): the pipeline retries it.
            throw new IllegalStateException("outbox did not store the message: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.concurrent.CompletableFuture<Long> submitAsync(MessageKind kind, String device, int priority,
                                                                    byte[] body) {
        return outbox.submitAsync(contentType(kind), device, priority, body);
    }

    static ContentType contentType(MessageKind kind) {
        return switch (kind) {
            case TELEMETRY -> ContentType.TELEMETRY;
            case ALARM -> ContentType.ALARM;
            case STATUS -> ContentType.STATUS;
        };
    }
}
