package org.tidegate.crypto;

/** What can be read from a frame without keys; nothing here is authenticated until the frame is opened. */
public record EnvelopeHeader(String sender, ContentType contentType, int priority, long sequence,
                             long createdAtMillis, int flags) {
}
