package org.tidegate.ingest.internal;

import org.tidegate.crypto.Opened;

/**
 * An inbound message after the receiver's checks: either accepted ({@code opened} and {@code decoded} set) or
 * refused ({@code reason} and {@code detail} set; {@code sender} and {@code sequence} as far as the frame could be
 * read, {@code sequence} -1 if not at all). {@code auditRow}: a refused message gets an {@code audit} row of its own
 * unless the audit rate limit ({@link AuditLimiter}) said no; then it is only counted.
 */
record Verified(Inbound in, Opened opened, Decoded decoded, String reason, String sender, long sequence,
                String detail, boolean auditRow) {
    static Verified accepted(Inbound in, Opened opened, Decoded decoded) {
        return new Verified(in, opened, decoded, null, opened.sender(), opened.sequence(), null, false);
    }

    static Verified refused(Inbound in, String reason, String sender, long sequence, String detail) {
        return new Verified(in, null, null, reason, sender == null ? "" : sender, sequence, detail, true);
    }

    /** This refusal, counted instead of stored. */
    Verified overAuditLimit() {
        return new Verified(in, null, null, reason, sender, sequence, detail, false);
    }

    boolean isAccepted() {
        return reason == null;
    }
}
