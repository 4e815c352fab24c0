package org.tidegate.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.tidegate.crypto.internal.SecuritySection;
import org.tinylog.Logger;

/**
 * The gateway's side of the envelope, assembled from the {@code security} section of gateway.json: its
 * identity (private key, checked for safe file permissions), a sealer for everything it sends to the cloud,
 * and an opener for the cloud's commands with persistent replay protection. Plain Java; the OSGi component
 * {@code org.tidegate.security} is a thin wrapper that registers {@link #sealer()} and {@link #commandOpener()}.
 */
public final class GatewayCrypto {
    /** Where the replay state lives unless configured otherwise, relative to the gateway home. */
    public static final String DEFAULT_REPLAY_STATE = SecuritySection.DEFAULT_REPLAY_STATE;

    /**
     * The security settings; paths are absolute (relative ones are resolved against the home by
     * {@link #resolve}).
     */
    public record Settings(String gatewayId, Path home, Path privateKey, Path publicKey, String cloudId,
                           Path cloudPublicKey, boolean encrypt, boolean sign, Duration commandWindow,
                           Duration keyRotationInterval, long keyRotationMessages, int deflateMinBytes,
                           Path replayState) {

        public Settings {
            Objects.requireNonNull(gatewayId, "gatewayId");
            Objects.requireNonNull(home, "home");
        }

        /**
         * The defaults of the gateway.json {@code security} section ({@link SecuritySection}'s) for gateway
         * {@code id} in {@code home}.
         */
        public static Settings defaults(String gatewayId, Path home) {
            Path h = home.toAbsolutePath().normalize();
            return new Settings(gatewayId, h, h.resolve(SecuritySection.DEFAULT_PRIVATE_KEY),
                    h.resolve(SecuritySection.DEFAULT_PUBLIC_KEY), SecuritySection.DEFAULT_CLOUD_ID,
                    h.resolve(SecuritySection.DEFAULT_CLOUD_PUBLIC_KEY), SecuritySection.DEFAULT_ENCRYPT,
                    SecuritySection.DEFAULT_SIGN, Duration.ofSeconds(SecuritySection.DEFAULT_COMMAND_WINDOW_SECONDS),
                    Duration.ofHours(SecuritySection.DEFAULT_KEY_ROTATION_HOURS),
                    SecuritySection.DEFAULT_KEY_ROTATION_MESSAGES, SecuritySection.DEFAULT_DEFLATE_MIN_BYTES,
                    h.resolve(SecuritySection.DEFAULT_REPLAY_STATE));
        }

        /** {@code path} as absolute: relative paths are relative to the home. */
        public Path resolve(String path) {
            Path p = Path.of(path);
            return p.isAbsolute() ? p : home.resolve(p).normalize();
        }

        public SealerOptions sealerOptions() {
            return new SealerOptions(encrypt, sign, deflateMinBytes, keyRotationInterval, keyRotationMessages);
        }
    }

    private final Settings settings;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final PublicKey cloudKey;
    private final EnvelopeSealer sealer;
    private final CommandReplayGuard replayGuard;
    private final EnvelopeOpener commandOpener;

    private GatewayCrypto(Settings s, Clock clock) throws IOException, InvalidKeyException {
        this.settings = s;
        this.privateKey = PemKeys.readPrivateKey(s.privateKey());
        this.publicKey = SmKeys.publicKeyOf(privateKey);
        if (Files.exists(s.publicKey())) {
            PublicKey onDisk = PemKeys.readPublicKey(s.publicKey());
            if (!Arrays.equals(SmKeys.spki(onDisk), SmKeys.spki(publicKey))) {
                throw new IOException("public key " + s.publicKey() + " does not belong to private key "
                        + s.privateKey() + "; re-provision or restore the matching pair");
            }
        }
        this.cloudKey = PemKeys.readPublicKey(s.cloudPublicKey());
        if (!s.encrypt()) {
            Logger.warn("SECURITY: encryption is OFF (security.encrypt=false): gateway={} sends and stores message"
                    + " bodies in clear text", s.gatewayId());
        }
        if (!s.sign()) {
            Logger.warn("SECURITY: signing is OFF (security.sign=false): gateway={} messages cannot be attributed"
                    + " to it and anyone who can publish can impersonate it", s.gatewayId());
        }
        this.sealer = new EnvelopeSealer(s.gatewayId(), privateKey, cloudKey, s.sealerOptions(), clock,
                new java.security.SecureRandom());
        Files.createDirectories(s.replayState().toAbsolutePath().getParent());
        if (!Files.exists(s.replayState())) {
            // First start, or data/ lost or replaced: until a command is accepted, one sealed within the window
            // before now would run again. Said once, so that a lost file is not silent (docs/security.md).
            Logger.warn("security: no command replay state {} (first start, or data/ lost): a command captured within"
                    + " the last {} s could be accepted again until the next one is", s.replayState(),
                    s.commandWindow().toSeconds());
        }
        this.replayGuard = new CommandReplayGuard(s.replayState(), s.commandWindow());
        // commands are always required to be signed: an unsigned command would let anyone steer the site
        this.commandOpener = EnvelopeOpener.builder(privateKey, TrustedSenders.of(s.cloudId(), cloudKey))
                .clock(clock).replayGuard(replayGuard).duplicateFilter(new DuplicateFilter())
                .commandsFor(s.gatewayId()).build();
        Logger.info("gateway={} identity loaded key={} fingerprint={} cloud={} cloudFingerprint={} encrypt={} sign={}",
                s.gatewayId(), s.privateKey(), SmKeys.fingerprint(publicKey), s.cloudId(), SmKeys.fingerprint(cloudKey),
                s.encrypt(), s.sign());
    }

    /**
     * Loads the identity and builds sealer and opener.
     *
     * @throws InsecureKeyFileException if the private key file is accessible by group or others: the gateway
     *                                  must refuse to start
     * @throws IOException              if a key file is missing or unreadable, the public key does not match, or
     *                                  the replay state is corrupt (messages name the file)
     */
    public static GatewayCrypto load(Settings settings) throws IOException, InvalidKeyException {
        return new GatewayCrypto(settings, Clock.systemUTC());
    }

    public static GatewayCrypto load(Settings settings, Clock clock) throws IOException, InvalidKeyException {
        return new GatewayCrypto(settings, clock);
    }

    /**
     * Reads the settings from {@code HOME/gateway.json} ({@code id} and the {@code security} section, with
     * {@code telemetry.deflateMinBytes}) through the section's schema ({@link SecuritySection#settings(Path)});
     * absent keys take the defaults.
     *
     * @throws IOException if the file is unreadable, not JSON, has no {@code id}, or the section has problems
     */
    public static Settings settingsFromGatewayJson(Path home) throws IOException {
        return SecuritySection.settings(home);
    }

    public Settings settings() {
        return settings;
    }

    /** Seals everything the gateway sends to the cloud. */
    public EnvelopeSealer sealer() {
        return sealer;
    }

    /** Opens what the cloud sends; commands must be bound to this gateway ({@link CommandBinding}) and pass the persistent replay guard. */
    public EnvelopeOpener commandOpener() {
        return commandOpener;
    }

    public CommandReplayGuard replayGuard() {
        return replayGuard;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public PublicKey cloudKey() {
        return cloudKey;
    }

    /** SM3 fingerprint of the gateway's public key ({@link SmKeys#fingerprint}). */
    public String fingerprint() {
        try {
            return SmKeys.fingerprint(publicKey);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
