package org.tidegate.crypto.internal;

import static org.tidegate.crypto.EnvelopeException.Reason.BAD_FRAME;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.Envelope;
import org.tidegate.crypto.EnvelopeException;

/**
 * The structural parse of a version-1 frame: every field's position, with all the checks that need no
 * key (magic, version, reserved bits, field ranges, lengths that fit the frame exactly). The frame array
 * is referenced, not copied.
 */
public record Frame(byte[] bytes, int flags, ContentType contentType, int priority, long sequence,
                    long createdAtMillis, String senderId, int keyId, int wrappedKeyOffset, int nonceOffset,
                    int bodyOffset, int bodyLength, int signatureOffset, int signatureLength) {

    /** The smallest frame: fields 1–9 with a 1-byte id, an empty body, no optional fields. */
    public static final int MIN_LENGTH = 2 + 1 + 1 + 1 + 1 + 8 + 8 + 1 + 1 + 4;
    private static final int KNOWN_FLAGS = Envelope.FLAG_ENCRYPTED | Envelope.FLAG_SIGNED
            | Envelope.FLAG_KEY_WRAPPED | Envelope.FLAG_DEFLATED;

    public boolean encrypted() {
        return (flags & Envelope.FLAG_ENCRYPTED) != 0;
    }

    public boolean signed() {
        return (flags & Envelope.FLAG_SIGNED) != 0;
    }

    public boolean keyWrapped() {
        return (flags & Envelope.FLAG_KEY_WRAPPED) != 0;
    }

    public boolean deflated() {
        return (flags & Envelope.FLAG_DEFLATED) != 0;
    }

    /** Length of fields 1–15, the signed bytes. */
    public int signedLength() {
        return bodyOffset + bodyLength;
    }

    /** Length of fields 1–14, the GCM additional authenticated data. */
    public int aadLength() {
        return bodyOffset;
    }

    public static Frame parse(byte[] b) throws EnvelopeException {
        if (b == null || b.length < MIN_LENGTH) {
            throw bad(null, "frame of " + (b == null ? 0 : b.length) + " bytes is shorter than the minimum " + MIN_LENGTH);
        }
        if ((b[0] & 0xff) != Envelope.MAGIC_0 || (b[1] & 0xff) != Envelope.MAGIC_1) {
            throw bad(null, String.format("bad magic %02x %02x", b[0] & 0xff, b[1] & 0xff));
        }
        if ((b[2] & 0xff) != Envelope.VERSION) {
            throw bad(null, "unsupported version " + (b[2] & 0xff));
        }
        int flags = b[3] & 0xff;
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw bad(null, String.format("reserved flag bits set in %02x", flags));
        }
        boolean encrypted = (flags & Envelope.FLAG_ENCRYPTED) != 0;
        boolean wrapped = (flags & Envelope.FLAG_KEY_WRAPPED) != 0;
        if (wrapped && !encrypted) {
            throw bad(null, "KEY_WRAPPED without ENCRYPTED");
        }
        ContentType type = ContentType.fromCode(b[4] & 0xff);
        if (type == null) {
            throw bad(null, String.format("unknown content type %02x", b[4] & 0xff));
        }
        int priority = b[5] & 0xff;
        if (priority > Envelope.MAX_PRIORITY) {
            throw bad(null, "priority " + priority + " is above " + Envelope.MAX_PRIORITY);
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        long sequence = buf.getLong(6);
        long createdAt = buf.getLong(14);
        int idLen = b[22] & 0xff;
        if (idLen < 1 || idLen > Envelope.MAX_SENDER_ID_BYTES) {
            throw bad(null, "sender id length " + idLen + " is outside 1…" + Envelope.MAX_SENDER_ID_BYTES);
        }
        int p = 23;
        need(b, p, idLen, "sender id");
        String sender = decodeSender(b, p, idLen);
        p += idLen;
        int keyId = 0;
        if (encrypted) {
            need(b, p, 4, "key id");
            keyId = buf.getInt(p);
            p += 4;
        }
        int wrappedOffset = -1;
        if (wrapped) {
            need(b, p, 2, "wrapped key length");
            int w = buf.getShort(p) & 0xffff;
            p += 2;
            if (w != Envelope.WRAPPED_KEY_LENGTH) {
                throw bad(sender, "wrapped key length " + w + " is not " + Envelope.WRAPPED_KEY_LENGTH);
            }
            need(b, p, w, "wrapped key");
            wrappedOffset = p;
            p += w;
        }
        int nonceOffset = -1;
        if (encrypted) {
            need(b, p, Envelope.NONCE_LENGTH, "nonce");
            nonceOffset = p;
            p += Envelope.NONCE_LENGTH;
        }
        need(b, p, 4, "body length");
        long bodyLen = buf.getInt(p) & 0xffffffffL;
        p += 4;
        if (bodyLen > b.length - p) {
            throw bad(sender, "body length " + bodyLen + " exceeds the " + (b.length - p) + " bytes left");
        }
        if (encrypted && bodyLen < Envelope.TAG_LENGTH) {
            throw bad(sender, "encrypted body of " + bodyLen + " bytes is shorter than the tag");
        }
        int bodyOffset = p;
        p += (int) bodyLen;
        int sigOffset = -1;
        int sigLen = 0;
        if ((flags & Envelope.FLAG_SIGNED) != 0) {
            need(b, p, 2, "signature length");
            sigLen = buf.getShort(p) & 0xffff;
            p += 2;
            if (sigLen != b.length - p) {
                throw bad(sender, "signature length " + sigLen + " does not match the " + (b.length - p) + " bytes left");
            }
            sigOffset = p;
            p += sigLen;
        }
        if (p != b.length) {
            throw bad(sender, (b.length - p) + " trailing bytes after the last field");
        }
        return new Frame(b, flags, type, priority, sequence, createdAt, sender, keyId, wrappedOffset, nonceOffset,
                bodyOffset, (int) bodyLen, sigOffset, sigLen);
    }

    /**
     * Ids are compared as strings; bytes that are not UTF-8 cannot name a trusted sender, so they are
     * decoded with replacement characters and end up as an unknown sender rather than a framing error.
     */
    private static String decodeSender(byte[] b, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return "\uFFFD" + new String(b, off, len, StandardCharsets.UTF_8);
        }
    }

    private static void need(byte[] b, int p, int n, String field) throws EnvelopeException {
        if (b.length - p < n) {
            throw bad(null, "frame ends inside the " + field + " (needs " + n + " bytes at offset " + p
                    + ", frame has " + b.length + ")");
        }
    }

    private static EnvelopeException bad(String sender, String message) {
        return new EnvelopeException(BAD_FRAME, sender, message);
    }
}
