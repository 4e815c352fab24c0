package org.tidegate.outbox;

import org.tidegate.crypto.ContentType;

/** A sealed envelope with the topic it goes to. {@code frame} is not copied: do not modify. */
public record SealedMessage(String topic, ContentType type, int priority, long sequence, long createdAt, byte[] frame) {
}
