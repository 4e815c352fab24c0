package org.tidegate.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.Deflater;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.tidegate.crypto.internal.Sm2;
import org.tidegate.crypto.internal.Sm4Gcm;
import org.tinylog.Logger;

/**
 * Seals messages from one sender to one recipient. Thread-safe.
 *
 * <p>The SM4 data key is made fresh (SecureRandom) when the sealer is built, lives only in this object's
 * memory, and is replaced after {@link SealerOptions#rotationInterval()} or
 * {@link SealerOptions#rotationMessages()} messages, whichever comes first. It is wrapped for the recipient
 * once per key and the 113 wrapped bytes go into every envelope, so any single envelope can be opened on
 * its own (messages are stored, reordered and resent). The nonce is 4 random bytes chosen with the key
 * followed by the 8-byte sequence; if a caller ever hands in a sequence that is not higher than the last one
 * sealed under the current key (threads racing, or a caller's bug), the sealer rotates the key first, so a
 * nonce can never repeat under a key.
 */
public final class EnvelopeSealer {
    private final String senderId;
    private final byte[] senderIdBytes;
    private final SealerOptions options;
    private final Clock clock;
    private final SecureRandom random;
    private final ECPrivateKeyParameters signingKey;
    private final ECPublicKeyParameters recipientKey;
    private final ThreadLocal<SM2Signer> signers;
    private final Object lock = new Object();
    private DataKey current;
    private long keysMade;

    /** A sealer with the system clock and a new {@link SecureRandom}. */
    public EnvelopeSealer(String senderId, PrivateKey senderKey, PublicKey recipientKey, SealerOptions options)
            throws InvalidKeyException {
        this(senderId, senderKey, recipientKey, options, Clock.systemUTC(), new SecureRandom());
    }

    /**
     * @param senderKey    the sender's SM2 private key; may be null only if {@code options.sign()} is false
     * @param recipientKey the recipient's SM2 public key; may be null only if {@code options.encrypt()} is false
     */
    public EnvelopeSealer(String senderId, PrivateKey senderKey, PublicKey recipientKey, SealerOptions options,
                          Clock clock, SecureRandom random) throws InvalidKeyException {
        this.senderId = Objects.requireNonNull(senderId, "senderId");
        this.senderIdBytes = senderId.getBytes(StandardCharsets.UTF_8);
        if (senderIdBytes.length < 1 || senderIdBytes.length > Envelope.MAX_SENDER_ID_BYTES) {
            throw new IllegalArgumentException("sender id must be 1…64 UTF-8 bytes, got " + senderIdBytes.length);
        }
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        if (options.sign()) {
            this.signingKey = Sm2.privateParameters(Objects.requireNonNull(senderKey, "senderKey is needed to sign"));
            this.signers = ThreadLocal.withInitial(() -> Sm2.newSigner(signingKey, random));
        } else {
            this.signingKey = null;
            this.signers = null;
        }
        if (options.encrypt()) {
            this.recipientKey = Sm2.publicParameters(
                    Objects.requireNonNull(recipientKey, "recipientKey is needed to encrypt"));
        } else {
            this.recipientKey = null;
        }
    }

    public String senderId() {
        return senderId;
    }

    public SealerOptions options() {
        return options;
    }

    /** Seals with createdAt = the sealer's clock now. */
    public byte[] seal(ContentType type, int priority, long sequence, byte[] body) {
        return seal(type, priority, sequence, clock.millis(), body);
    }

    /**
     * Seals one message.
     *
     * @param priority        0 … 9
     * @param sequence        the sender's next sequence number (strictly increasing, never reused; unsigned)
     * @param createdAtMillis Unix time in ms
     * @param body            the plain body (UTF-8 JSON by convention)
     * @return the frame
     */
    public byte[] seal(ContentType type, int priority, long sequence, long createdAtMillis, byte[] body) {
        return reserve(type, priority, sequence, createdAtMillis).seal(body);
    }

    /**
     * The cheap, ordered half of sealing (1.1): picks the data key for this sequence number (rotating first if
     * the number is not higher than the last one reserved under the current key), so a caller that numbers
     * messages under its own lock calls this inside the lock and {@link Reservation#seal} outside it: deflate,
     * SM4-GCM and the SM2 signature, ~0.15 ms of CPU per message, then run on as many threads as call it, and
     * a (key, nonce) pair still never repeats.
     */
    public Reservation reserve(ContentType type, int priority, long sequence, long createdAtMillis) {
        Objects.requireNonNull(type, "type");
        if (priority < 0 || priority > Envelope.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0…9, got " + priority);
        }
        return new Reservation(type, priority, sequence, createdAtMillis, options.encrypt() ? keyFor(sequence) : null);
    }

    /** A sequence number bound to its data key; {@link #seal} it once, on any thread. */
    public final class Reservation {
        private final ContentType type;
        private final int priority;
        private final long sequence;
        private final long createdAtMillis;
        private final DataKey key;

        private Reservation(ContentType type, int priority, long sequence, long createdAtMillis, DataKey key) {
            this.type = type;
            this.priority = priority;
            this.sequence = sequence;
            this.createdAtMillis = createdAtMillis;
            this.key = key;
        }

        public long sequence() {
            return sequence;
        }

        /** @return the frame */
        public byte[] seal(byte[] body) {
            return sealReserved(type, priority, sequence, createdAtMillis, key, body);
        }
    }

    private byte[] sealReserved(ContentType type, int priority, long sequence, long createdAtMillis, DataKey key,
                                byte[] body) {
        Objects.requireNonNull(body, "body");
        int flags = 0;
        byte[] payload = body;
        if (options.deflateMinBytes() > 0 && body.length >= options.deflateMinBytes()) {
            byte[] deflated = deflate(body);
            if (deflated.length < body.length) {
                payload = deflated;
                flags |= Envelope.FLAG_DEFLATED;
            }
        }
        if (key != null) {
            flags |= Envelope.FLAG_ENCRYPTED | Envelope.FLAG_KEY_WRAPPED;
        }
        if (options.sign()) {
            flags |= Envelope.FLAG_SIGNED;
        }
        int bodyLen = payload.length + (key != null ? Envelope.TAG_LENGTH : 0);
        int headerLen = 23 + senderIdBytes.length
                + (key != null ? 4 + 2 + Envelope.WRAPPED_KEY_LENGTH + Envelope.NONCE_LENGTH : 0) + 4;
        int signedLen = headerLen + bodyLen;
        byte[] signedPart = new byte[signedLen];
        ByteBuffer b = ByteBuffer.wrap(signedPart);
        b.put((byte) Envelope.MAGIC_0).put((byte) Envelope.MAGIC_1).put((byte) Envelope.VERSION).put((byte) flags)
                .put((byte) type.code()).put((byte) priority).putLong(sequence).putLong(createdAtMillis)
                .put((byte) senderIdBytes.length).put(senderIdBytes);
        byte[] nonce = null;
        if (key != null) {
            nonce = new byte[Envelope.NONCE_LENGTH];
            System.arraycopy(key.noncePrefix, 0, nonce, 0, 4);
            ByteBuffer.wrap(nonce).putLong(4, sequence);
            b.putInt(key.keyId).putShort((short) Envelope.WRAPPED_KEY_LENGTH).put(key.wrapped).put(nonce);
        }
        b.putInt(bodyLen);
        if (key != null) {
            Sm4Gcm.encrypt(key.key, nonce, signedPart, 0, headerLen, payload, 0, payload.length, signedPart, headerLen);
        } else {
            b.put(payload);
        }
        if (!options.sign()) {
            return signedPart;
        }
        byte[] sig = Sm2.sign(signers.get(), signedPart, 0, signedLen);
        byte[] frame = Arrays.copyOf(signedPart, signedLen + 2 + sig.length);
        ByteBuffer.wrap(frame, signedLen, 2 + sig.length).putShort((short) sig.length).put(sig);
        return frame;
    }

    /** Replaces the data key now (e.g. after the recipient's key changed or on operator request). */
    public void rotateNow() {
        if (!options.encrypt()) {
            return;
        }
        synchronized (lock) {
            current = newKey("requested");
        }
    }

    /** The id of the data key in use, for diagnostics; 0 if not encrypting or none made yet. */
    public int currentKeyId() {
        synchronized (lock) {
            return current == null ? 0 : current.keyId;
        }
    }

    /** How many data keys this sealer has made (rotations + 1 once it has sealed). */
    public long keysMade() {
        synchronized (lock) {
            return keysMade;
        }
    }

    private DataKey keyFor(long sequence) {
        synchronized (lock) {
            long now = clock.millis();
            String why = null;
            if (current == null) {
                why = "start";
            } else if (current.used >= options.rotationMessages()) {
                why = "message count";
            } else if (now - current.createdAtMillis >= options.rotationInterval().toMillis()
                    || now < current.createdAtMillis - options.rotationInterval().toMillis()) {
                why = "age";
            } else if (current.used > 0 && Long.compareUnsigned(sequence, current.lastSequence) <= 0) {
                why = "sequence not increasing";
            }
            if (why != null) {
                current = newKey(why);
            }
            current.used++;
            current.lastSequence = sequence;
            return current;
        }
    }

    private DataKey newKey(String why) {
        byte[] k = new byte[16];
        random.nextBytes(k);
        byte[] prefix = new byte[4];
        random.nextBytes(prefix);
        int keyId;
        do {
            keyId = random.nextInt();
        } while (keyId == 0 || (current != null && keyId == current.keyId));
        byte[] wrapped = Sm2.encrypt(recipientKey, random, k);
        keysMade++;
        Logger.debug("sender={} new data key keyId={} reason={}", senderId, Integer.toHexString(keyId), why);
        return new DataKey(keyId, k, prefix, wrapped, clock.millis());
    }

    /**
     * One deflater per sealing thread, reset between messages: a new {@code Deflater} per message costs zlib's
     * ~270 KB of state allocated and freed (and a cleaner registered) each time, the largest native churn of the
     * sealing path at full load (JFR). A thread that ends leaves its deflater to the cleaner.
     */
    private static final ThreadLocal<Deflating> DEFLATING = ThreadLocal.withInitial(Deflating::new);

    private static byte[] deflate(byte[] body) {
        return DEFLATING.get().deflate(body);
    }

    private static final class Deflating {
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private byte[] out = new byte[4096];

        byte[] deflate(byte[] body) {
            Deflater d = deflater;
            d.reset();
            d.setInput(body);
            d.finish();
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                n += d.deflate(out, n, out.length - n);
            }
            byte[] result = Arrays.copyOf(out, n);
            if (out.length > 256 << 10) {
                out = new byte[4096]; // one very large body does not keep its buffer for good
            }
            return result;
        }
    }

    /** One SM4 data key and its bookkeeping; the key bytes never leave this sealer and are never written out. */
    private static final class DataKey {
        final int keyId;
        final byte[] key;
        final byte[] noncePrefix;
        final byte[] wrapped;
        final long createdAtMillis;
        long used;
        long lastSequence;

        DataKey(int keyId, byte[] key, byte[] noncePrefix, byte[] wrapped, long createdAtMillis) {
            this.keyId = keyId;
            this.key = key;
            this.noncePrefix = noncePrefix;
            this.wrapped = wrapped;
            this.createdAtMillis = createdAtMillis;
        }
    }
}
