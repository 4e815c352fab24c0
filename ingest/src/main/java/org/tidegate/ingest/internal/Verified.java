package org.tidegate.ingest.internal;

import org.tidegate.crypto.Opened;

/**
 * An inbound message after the receiver's checks: either accepted ({@code opened} and {@code decoded} set) or
 * refused ({@code reason} and {@code detail} set; {@code sender} and {@code sequence} as far as the frame could be
 * read, {@code sequence} -1 if not at all).
 */
record Verified(Inbound in, Opened opened, Decoded decoded, String reason, String sender, long sequence,
                String detail) {
    static Verified accepted(Inbound in, Opened opened, Decoded decoded) {
        return new Verified(in, opened, decoded, null, opened.sender(), opened.sequence(), null);
    }

    static Verified refused(Inbound in, String reason, String sender, long sequence, String detail) {
        return new Verified(in, null, null, reason, sender == null ? "" : sender, sequence, detail);
    }

    boolean isAccepted() {
        return reason == null;
    }
}
