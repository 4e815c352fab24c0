package org.tidegate.crypto;

import java.util.Arrays;
import org.tidegate.crypto.internal.Frame;

/**
 * Constants of the version-1 frame and helpers that read a frame without keys: its header (for queueing
 * and routing before anything is opened) and the two parts that an external tool needs to check the
 * signature ({@code openssl pkeyutl -verify ... -rawin -in signed.bin -sigfile sig.der}).
 */
public final class Envelope {
    public static final int MAGIC_0 = 0x54;
    public static final int MAGIC_1 = 0x47;
    public static final int VERSION = 0x01;
    public static final int FLAG_ENCRYPTED = 0x01;
    public static final int FLAG_SIGNED = 0x02;
    public static final int FLAG_KEY_WRAPPED = 0x04;
    public static final int FLAG_DEFLATED = 0x08;
    /** SM2 ciphertext of a 16-byte SM4 key: C1 (65) ‖ C3 (32) ‖ C2 (16). */
    public static final int WRAPPED_KEY_LENGTH = 113;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    public static final int MAX_SENDER_ID_BYTES = 64;
    public static final int MAX_PRIORITY = 9;
    /** The signer ID of GM/T 0009, used for every envelope signature. */
    public static final String SIGNER_ID = "1234567812345678";

    private Envelope() {
    }

    /** Reads fields 1–9 (and checks that every length fits) without any key. */
    public static EnvelopeHeader peek(byte[] frame) throws EnvelopeException {
        Frame f = Frame.parse(frame);
        return new EnvelopeHeader(f.senderId(), f.contentType(), f.priority(), f.sequence(), f.createdAtMillis(),
                f.flags());
    }

    /** Fields 1–15: the bytes the signature covers. */
    public static byte[] signedPart(byte[] frame) throws EnvelopeException {
        Frame f = Frame.parse(frame);
        return Arrays.copyOfRange(frame, 0, f.signedLength());
    }

    /** Field 17 (the DER signature), or null if the frame is not signed. */
    public static byte[] signature(byte[] frame) throws EnvelopeException {
        Frame f = Frame.parse(frame);
        if (!f.signed()) {
            return null;
        }
        return Arrays.copyOfRange(frame, f.signatureOffset(), f.signatureOffset() + f.signatureLength());
    }
}
