package org.tidegate.crypto;

/**
 * How an opener opens.
 *
 * @param requireSignature refuse unsigned frames as {@link EnvelopeException.Reason#BAD_SIGNATURE}; only turn
 *                         off for a deployment whose senders were deliberately configured not to sign
 * @param maxBodyBytes     the largest plain body accepted after inflating (guards against deflate bombs)
 * @param keyCacheSize     how many unwrapped data keys are kept, so that SM2 decryption runs once per key
 */
public record OpenerOptions(boolean requireSignature, int maxBodyBytes, int keyCacheSize) {

    public OpenerOptions {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
        if (keyCacheSize < 0) {
            throw new IllegalArgumentException("keyCacheSize must not be negative");
        }
    }

    /** Signatures required, bodies up to 16 MiB, 1024 cached data keys. */
    public static OpenerOptions defaults() {
        return new OpenerOptions(true, 16 << 20, 1024);
    }

    public OpenerOptions withRequireSignature(boolean value) {
        return new OpenerOptions(value, maxBodyBytes, keyCacheSize);
    }

    public OpenerOptions withMaxBodyBytes(int value) {
        return new OpenerOptions(requireSignature, value, keyCacheSize);
    }
}
