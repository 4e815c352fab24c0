package org.tidegate.crypto;

import static org.tidegate.crypto.EnvelopeException.Reason.BAD_FRAME;
import static org.tidegate.crypto.EnvelopeException.Reason.BAD_SIGNATURE;
import static org.tidegate.crypto.EnvelopeException.Reason.BAD_TAG;
import static org.tidegate.crypto.EnvelopeException.Reason.DUPLICATE;
import static org.tidegate.crypto.EnvelopeException.Reason.UNKNOWN_SENDER;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.tidegate.crypto.internal.Frame;
import org.tidegate.crypto.internal.Sm2;
import org.tidegate.crypto.internal.Sm4Gcm;

/**
 * Opens envelopes addressed to one recipient. Checks run in the order of the envelope spec and the first
 * failure is reported: frame structure ({@code BAD_FRAME}); sender in the trust map ({@code UNKNOWN_SENDER});
 * signature ({@code BAD_SIGNATURE}); data-key unwrap and GCM tag ({@code BAD_TAG}); inflating
 * ({@code BAD_FRAME}); for commands, if configured, the {@link CommandBinding} ({@code NOT_ENCRYPTED},
 * {@code WRONG_GATEWAY}); the caller's {@link OpenCheck}, if any; then freshness: commands through the {@link CommandReplayGuard} ({@code REPLAYED},
 * {@code STALE}), every other content type through the {@link DuplicateFilter} ({@code DUPLICATE}).
 * A check whose helper was not configured is skipped. Unwrapped data keys are cached per sender and key id
 * (and compared against the wrapped bytes), so SM2 decryption runs once per data key. Thread-safe.
 */
public final class EnvelopeOpener {
    private final ECPrivateKeyParameters recipientKey;
    private final Map<String, ECPublicKeyParameters> senders;
    private final Clock clock;
    private final OpenerOptions options;
    private final DuplicateFilter duplicates;
    private final CommandReplayGuard replayGuard;
    private final CommandBinding binding;
    private final Map<String, CachedKey> keyCache;

    private EnvelopeOpener(Builder b) throws InvalidKeyException {
        this.recipientKey = b.recipientKey == null ? null : Sm2.privateParameters(b.recipientKey);
        Map<String, ECPublicKeyParameters> m = new HashMap<>();
        for (Map.Entry<String, PublicKey> e : b.trusted.asMap().entrySet()) {
            m.put(e.getKey(), Sm2.publicParameters(e.getValue()));
        }
        this.senders = Map.copyOf(m);
        this.clock = b.clock;
        this.options = b.options;
        this.duplicates = b.duplicates;
        this.replayGuard = b.replayGuard;
        this.binding = b.binding;
        int max = options.keyCacheSize();
        this.keyCache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachedKey> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * @param recipientKey the recipient's SM2 private key; may be null if no encrypted frames are expected
     * @param trusted      whose frames are accepted
     */
    public static Builder builder(PrivateKey recipientKey, TrustedSenders trusted) {
        return new Builder(recipientKey, trusted);
    }

    /** Opens one frame or says precisely why not. */
    public Opened open(byte[] frame) throws EnvelopeException {
        return open(frame, OpenCheck.NONE);
    }

    /**
     * The checks that cost no cryptography, in the receivers' order: the frame's layout, a trusted sender, and for a
     * command the replay guard's verdict (nothing is admitted). For screening a flood before the expensive checks;
     * passing it says nothing about the signature (since 1.3).
     *
     * @throws EnvelopeException BAD_FRAME, UNKNOWN_SENDER, REPLAYED or STALE
     */
    public void screen(byte[] frame) throws EnvelopeException {
        Frame f = Frame.parse(frame);
        if (!senders.containsKey(f.senderId())) {
            throw new EnvelopeException(UNKNOWN_SENDER, f.senderId(), "sender \"" + f.senderId() + "\" is not trusted");
        }
        if (f.contentType() == ContentType.COMMAND && replayGuard != null) {
            replayGuard.refusal(f.senderId(), f.sequence(), f.createdAtMillis(), clock.millis());
        }
    }

    /**
     * Opens one frame, running {@code check} on the authenticated, decrypted envelope before the freshness checks
     * (so a frame the check refuses leaves the duplicate filter and the replay guard untouched). The opener's own
     * {@link Builder#commandsFor command binding}, if any, runs first.
     */
    public Opened open(byte[] frame, OpenCheck check) throws EnvelopeException {
        Objects.requireNonNull(check, "check");
        Frame f = Frame.parse(frame);
        String sender = f.senderId();
        ECPublicKeyParameters senderKey = senders.get(sender);
        if (senderKey == null) {
            throw new EnvelopeException(UNKNOWN_SENDER, sender, "sender \"" + sender + "\" is not trusted");
        }
        if (f.signed()) {
            if (!Sm2.verify(senderKey, frame, 0, f.signedLength(), frame, f.signatureOffset(), f.signatureLength())) {
                throw new EnvelopeException(BAD_SIGNATURE, sender, "signature does not verify (seq="
                        + Long.toUnsignedString(f.sequence()) + ")");
            }
        } else if (options.requireSignature()) {
            throw new EnvelopeException(BAD_SIGNATURE, sender, "frame is not signed and signatures are required");
        }
        byte[] payload;
        if (f.encrypted()) {
            byte[] key = dataKey(f);
            byte[] nonce = Arrays.copyOfRange(frame, f.nonceOffset(), f.nonceOffset() + Envelope.NONCE_LENGTH);
            try {
                payload = Sm4Gcm.decrypt(key, nonce, frame, 0, f.aadLength(), frame, f.bodyOffset(), f.bodyLength());
            } catch (InvalidCipherTextException e) {
                throw new EnvelopeException(BAD_TAG, sender, "SM4-GCM tag does not verify (seq="
                        + Long.toUnsignedString(f.sequence()) + ")");
            }
        } else {
            payload = Arrays.copyOfRange(frame, f.bodyOffset(), f.bodyOffset() + f.bodyLength());
        }
        if (f.deflated()) {
            payload = inflate(payload, sender);
        } else if (payload.length > options.maxBodyBytes()) {
            throw new EnvelopeException(BAD_FRAME, sender, "body of " + payload.length + " bytes exceeds the limit "
                    + options.maxBodyBytes());
        }
        Opened opened = new Opened(sender, f.contentType(), f.priority(), f.sequence(), f.createdAtMillis(), f.flags(),
                payload);
        if (binding != null) {
            binding.check(opened);
        }
        check.check(opened);
        checkFreshness(f);
        return opened;
    }

    private void checkFreshness(Frame f) throws EnvelopeException {
        if (f.contentType() == ContentType.COMMAND) {
            if (replayGuard != null) {
                try {
                    replayGuard.admit(f.senderId(), f.sequence(), f.createdAtMillis(), clock.millis());
                } catch (IOException e) {
                    throw new UncheckedIOException("could not persist command replay state; command refused", e);
                }
            }
        } else if (duplicates != null && !duplicates.firstSeen(f.senderId(), f.sequence())) {
            throw new EnvelopeException(DUPLICATE, f.senderId(), "sequence " + Long.toUnsignedString(f.sequence())
                    + " already seen");
        }
    }

    private byte[] dataKey(Frame f) throws EnvelopeException {
        byte[] b = f.bytes();
        String cacheKey = f.senderId() + '\u0000' + f.keyId();
        CachedKey cached;
        synchronized (keyCache) {
            cached = keyCache.get(cacheKey);
        }
        if (!f.keyWrapped()) {
            if (cached == null) {
                throw new EnvelopeException(BAD_TAG, f.senderId(), "data key " + Integer.toHexString(f.keyId())
                        + " is unknown and the frame carries no wrapped key");
            }
            return cached.key;
        }
        int wo = f.wrappedKeyOffset();
        if (cached != null && Arrays.equals(cached.wrapped, 0, cached.wrapped.length, b, wo,
                wo + Envelope.WRAPPED_KEY_LENGTH)) {
            return cached.key;
        }
        if (recipientKey == null) {
            throw new EnvelopeException(BAD_TAG, f.senderId(), "frame is encrypted but this opener has no private key");
        }
        byte[] key;
        try {
            key = Sm2.decrypt(recipientKey, b, wo, Envelope.WRAPPED_KEY_LENGTH);
        } catch (InvalidCipherTextException e) {
            throw new EnvelopeException(BAD_TAG, f.senderId(), "wrapped data key does not decrypt with our key");
        }
        synchronized (keyCache) {
            keyCache.put(cacheKey, new CachedKey(Arrays.copyOfRange(b, wo, wo + Envelope.WRAPPED_KEY_LENGTH), key));
        }
        return key;
    }

    private byte[] inflate(byte[] deflated, String sender) throws EnvelopeException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(options.maxBodyBytes(), deflated.length * 4));
            byte[] buf = new byte[8192];
            int idle = 0;
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary() || ++idle > 3)) {
                    throw new EnvelopeException(BAD_FRAME, sender, "deflated body is truncated or corrupt");
                }
                if (n > 0) {
                    idle = 0;
                }
                if (out.size() + n > options.maxBodyBytes()) {
                    throw new EnvelopeException(BAD_FRAME, sender, "inflated body exceeds the limit "
                            + options.maxBodyBytes());
                }
                out.write(buf, 0, n);
            }
            if (inf.getRemaining() > 0) {
                throw new EnvelopeException(BAD_FRAME, sender, inf.getRemaining() + " bytes after the deflate stream");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new EnvelopeException(BAD_FRAME, sender, "deflated body is corrupt: " + e.getMessage());
        } finally {
            inf.end();
        }
    }

    private record CachedKey(byte[] wrapped, byte[] key) {
    }

    /** Builds an {@link EnvelopeOpener}. */
    public static final class Builder {
        private final PrivateKey recipientKey;
        private final TrustedSenders trusted;
        private Clock clock = Clock.systemUTC();
        private OpenerOptions options = OpenerOptions.defaults();
        private DuplicateFilter duplicates;
        private CommandReplayGuard replayGuard;
        private CommandBinding binding;

        private Builder(PrivateKey recipientKey, TrustedSenders trusted) {
            this.recipientKey = recipientKey;
            this.trusted = Objects.requireNonNull(trusted, "trusted");
        }

        /** The clock commands' createdAt is compared with; default the system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        public Builder options(OpenerOptions value) {
            this.options = Objects.requireNonNull(value);
            return this;
        }

        /** Reports repeated non-command frames as DUPLICATE; without one, repeats are delivered. */
        public Builder duplicateFilter(DuplicateFilter value) {
            this.duplicates = value;
            return this;
        }

        /** Checks commands for replay and freshness; without one, commands are not checked. */
        public Builder replayGuard(CommandReplayGuard value) {
            this.replayGuard = value;
            return this;
        }

        /**
         * Accepts commands only bound to gateway {@code gatewayId} ({@link CommandBinding}: encrypted, signed, key
         * wrapped, and naming it in {@code "gateway"}); checked after decryption, before the replay guard.
         */
        public Builder commandsFor(String gatewayId) {
            this.binding = gatewayId == null ? null : CommandBinding.to(gatewayId);
            return this;
        }

        public EnvelopeOpener build() throws InvalidKeyException {
            return new EnvelopeOpener(this);
        }
    }
}
