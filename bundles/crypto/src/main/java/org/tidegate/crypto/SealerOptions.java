package org.tidegate.crypto;

import java.time.Duration;
import org.tidegate.crypto.internal.SecuritySection;

/**
 * How a sealer seals.
 *
 * @param encrypt          SM4-GCM encrypt the body under a data key wrapped for the recipient
 * @param sign             SM2-sign fields 1–15
 * @param deflateMinBytes  deflate bodies of at least this many bytes (only kept if smaller); 0 or less: never
 * @param rotationInterval a data key is replaced after this long (at most 24 h)
 * @param rotationMessages a data key is replaced after sealing this many messages (at most 2^20)
 *
 * <p>The defaults and bounds are the gateway.json {@code security} section's ({@link SecuritySection}).
 */
public record SealerOptions(boolean encrypt, boolean sign, int deflateMinBytes, Duration rotationInterval,
                            long rotationMessages) {

    public static final Duration DEFAULT_ROTATION_INTERVAL = Duration.ofHours(SecuritySection.DEFAULT_KEY_ROTATION_HOURS);
    public static final long DEFAULT_ROTATION_MESSAGES = SecuritySection.DEFAULT_KEY_ROTATION_MESSAGES;
    /** Bodies of at least this many bytes are deflated (key {@code telemetry.deflateMinBytes}). */
    public static final int DEFAULT_DEFLATE_MIN_BYTES = SecuritySection.DEFAULT_DEFLATE_MIN_BYTES;
    /** The envelope spec's bounds: a data key lives at most 24 h and seals at most 2^20 messages. */
    public static final Duration MAX_ROTATION_INTERVAL = Duration.ofHours(SecuritySection.MAX_KEY_ROTATION_HOURS);
    public static final long MAX_ROTATION_MESSAGES = SecuritySection.MAX_KEY_ROTATION_MESSAGES;

    public SealerOptions {
        // the spec's upper bounds are a MUST: a data key lives at most 24 h and seals at most 2^20 messages
        if (rotationInterval == null || rotationInterval.isNegative() || rotationInterval.isZero()
                || rotationInterval.compareTo(MAX_ROTATION_INTERVAL) > 0) {
            throw new IllegalArgumentException("key rotation interval must be more than 0 and at most "
                    + MAX_ROTATION_INTERVAL.toHours() + " h, got " + rotationInterval);
        }
        if (rotationMessages < 1 || rotationMessages > MAX_ROTATION_MESSAGES) {
            throw new IllegalArgumentException("key rotation message count must be 1…" + MAX_ROTATION_MESSAGES
                    + " (2^20), got " + rotationMessages);
        }
    }

    /** Encrypt and sign, deflate bodies of 256 bytes or more, rotate every 24 h and 2^20 messages (the section's defaults). */
    public static SealerOptions defaults() {
        return new SealerOptions(SecuritySection.DEFAULT_ENCRYPT, SecuritySection.DEFAULT_SIGN, DEFAULT_DEFLATE_MIN_BYTES, DEFAULT_ROTATION_INTERVAL, DEFAULT_ROTATION_MESSAGES);
    }

    public SealerOptions withEncrypt(boolean value) {
        return new SealerOptions(value, sign, deflateMinBytes, rotationInterval, rotationMessages);
    }

    public SealerOptions withSign(boolean value) {
        return new SealerOptions(encrypt, value, deflateMinBytes, rotationInterval, rotationMessages);
    }

    public SealerOptions withDeflateMinBytes(int value) {
        return new SealerOptions(encrypt, sign, value, rotationInterval, rotationMessages);
    }

    public SealerOptions withRotation(Duration interval, long messages) {
        return new SealerOptions(encrypt, sign, deflateMinBytes, interval, messages);
    }
}
