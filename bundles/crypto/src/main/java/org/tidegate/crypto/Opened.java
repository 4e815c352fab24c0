package org.tidegate.crypto;

import java.time.Instant;

/**
 * An envelope that passed every check.
 *
 * @param sender          the sender id (field 9)
 * @param contentType     field 4
 * @param priority        0 (lowest) … 9
 * @param sequence        the sender's sequence number
 * @param createdAtMillis Unix time in ms at sealing
 * @param flags           the flag byte as received ({@link Envelope#FLAG_ENCRYPTED} …)
 * @param body            the plain body: decrypted and inflated
 */
public record Opened(String sender, ContentType contentType, int priority, long sequence, long createdAtMillis,
                     int flags, byte[] body) {

    public Instant createdAt() {
        return Instant.ofEpochMilli(createdAtMillis);
    }

    public boolean encrypted() {
        return (flags & Envelope.FLAG_ENCRYPTED) != 0;
    }

    public boolean signed() {
        return (flags & Envelope.FLAG_SIGNED) != 0;
    }

    public boolean deflated() {
        return (flags & Envelope.FLAG_DEFLATED) != 0;
    }
}
