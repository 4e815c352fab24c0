package org.tidegate.store;

import java.util.Objects;

/**
 * One sealed message as the queue holds it. The payload is opaque (already sealed, re-sent byte for byte).
 *
 * @param id        queue id, the handle for {@link StoreAndForwardQueue#acknowledge(long)}; positive for
 *                  entries on disk, negative for alarms held in memory while the disk is unavailable
 * @param topic     MQTT topic to publish on
 * @param priority  0 (lowest) … 9 (alarm)
 * @param sequence  the envelope's sequence number (informational for the store)
 * @param createdAt Unix milliseconds when the message was sealed
 * @param attempts  how many times it has been handed out by {@code takeBatch}, including this time
 * @param payload   the sealed bytes (not copied: do not modify)
 */
public record StoredMessage(long id, String topic, int priority, long sequence, long createdAt, int attempts,
                            byte[] payload) {
    public StoredMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }

    /** True if this message has been handed out before (a re-delivery). */
    public boolean redelivery() {
        return attempts > 1;
    }

    @Override
    public String toString() {
        return "StoredMessage[id=" + id + ", topic=" + topic + ", priority=" + priority + ", sequence=" + sequence
                + ", createdAt=" + createdAt + ", attempts=" + attempts + ", bytes=" + payload.length + "]";
    }
}
