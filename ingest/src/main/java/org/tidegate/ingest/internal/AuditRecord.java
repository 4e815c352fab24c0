package org.tidegate.ingest.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What the {@code audit} table keeps of one refused message: bounded whatever the sender made of it. The frame is cut
 * to its first {@link #FRAME_BYTES} bytes, enough for the envelope header (magic, version, sender, content type,
 * sequence, created-at) that tells an operator what it claimed to be; its full length and SHA-256 identify the whole
 * frame against a capture (the broker's or a gateway's). Topic, claimed sender and detail are cut as well: the topic
 * and the claimed sender are the attacker's to choose (a topic can be 64 KiB), and the detail may quote either.
 * SHA-256 rather than SM3: PostgreSQL computes it too ({@code sha256(bytea)}), so rows stored whole before schema
 * version 2 and frames found elsewhere compare in plain SQL, and the gateways' key fingerprints use it already.
 */
record AuditRecord(String topic, String reason, String claimedSender, long claimedSeq, String detail, byte[] frame,
                   int frameLength, byte[] frameSha256) {
    /** Bytes of a refused frame kept in {@code audit.frame} (docs/ingest.md). */
    static final int FRAME_BYTES = 1024;
    /** Characters of the topic kept. */
    static final int TOPIC_CHARS = 256;
    /** Characters of the claimed sender kept (a genuine gateway id has at most 64). */
    static final int SENDER_CHARS = 128;
    /** Characters of the detail kept. */
    static final int DETAIL_CHARS = 1024;
    private static final String CUT = "…";

    static AuditRecord of(String topic, String reason, String claimedSender, long claimedSeq, String detail,
                          byte[] frame) {
        byte[] kept = frame.length <= FRAME_BYTES ? frame : Arrays.copyOf(frame, FRAME_BYTES);
        return new AuditRecord(text(topic, TOPIC_CHARS), reason, text(claimedSender, SENDER_CHARS), claimedSeq,
                text(detail, DETAIL_CHARS), kept, frame.length, sha256(frame));
    }

    static AuditRecord of(Verified refused) {
        return of(refused.in().topic(), refused.reason(), refused.sender(), refused.sequence(), refused.detail(),
                refused.in().payload());
    }

    /** At most {@code max} characters (a cut one ends in "…"), NUL replaced: PostgreSQL text cannot hold it. */
    static String text(String s, int max) {
        if (s == null) {
            return "";
        }
        String t = s.length() <= max ? s : s.substring(0, endBefore(s, max - CUT.length())) + CUT;
        return t.replace('\u0000', ' ');
    }

    /** Does not split a surrogate pair: half of one is not valid UTF-8 and PostgreSQL would refuse the row. */
    private static int endBefore(String s, int end) {
        return end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) ? end - 1 : end;
    }

    static byte[] sha256(byte[] frame) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(frame);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
