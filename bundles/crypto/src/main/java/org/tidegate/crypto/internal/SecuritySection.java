package org.tidegate.crypto.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionProperties;
import org.tidegate.core.config.SectionSchema;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.PemKeys;

/**
 * The {@code security} section of gateway.json: the gateway's identity, the cloud's key, and how messages
 * are sealed. Key files that exist are checked here as {@code tidegate run} checks them (a private key
 * readable by others, or a file that is not a key, is an error), so validate and run agree; key files that
 * do not exist yet are a warning: the home is a template until {@code tidegate provision} ran.
 *
 * <p>The one place that knows the section's keys, limits and defaults: the component's MetaType annotation,
 * {@link GatewayCrypto.Settings#defaults}, {@link org.tidegate.crypto.SealerOptions} and
 * {@link org.tidegate.crypto.CommandReplayGuard} refer to the constants here, and a test in {@code config}
 * compares docs/configuration.md with {@link #properties}. The component decodes its ConfigAdmin properties
 * with {@link #read} and the command line reads gateway.json with {@link #settings(Path)}, both through
 * this schema.
 */
public final class SecuritySection implements SectionSchema {
    public static final String NAME = "security";
    public static final String PID = "org.tidegate.security";

    /** Key files and state, relative to the home. */
    public static final String DEFAULT_PRIVATE_KEY = "keys/gateway.key.pem";
    public static final String DEFAULT_PUBLIC_KEY = "keys/gateway.pub.pem";
    public static final String DEFAULT_CLOUD_PUBLIC_KEY = "keys/cloud.pub.pem";
    public static final String DEFAULT_REPLAY_STATE = "data/command-replay.state";
    /** {@code cloudId}: the sender id of the cloud in commands. */
    public static final String DEFAULT_CLOUD_ID = "cloud";
    public static final boolean DEFAULT_ENCRYPT = true;
    public static final boolean DEFAULT_SIGN = true;
    /** {@code commandWindowSeconds}: commands created further than this from the gateway clock are stale. */
    public static final long DEFAULT_COMMAND_WINDOW_SECONDS = 300;
    public static final long MIN_COMMAND_WINDOW_SECONDS = 1;
    public static final long MAX_COMMAND_WINDOW_SECONDS = 86_400;
    /** {@code keyRotationHours}: the envelope spec's bound (a data key lives at most 24 h) is the maximum. */
    public static final long DEFAULT_KEY_ROTATION_HOURS = 24;
    public static final long MIN_KEY_ROTATION_HOURS = 1;
    public static final long MAX_KEY_ROTATION_HOURS = 24;
    /** {@code keyRotationMessages}: the envelope spec's bound (at most 2^20 messages per data key). */
    public static final long DEFAULT_KEY_ROTATION_MESSAGES = 1L << 20;
    public static final long MIN_KEY_ROTATION_MESSAGES = 1;
    public static final long MAX_KEY_ROTATION_MESSAGES = 1L << 20;
    /** {@code telemetry.deflateMinBytes} (read by this schema: the sealer deflates); 0 = never. */
    public static final int DEFAULT_DEFLATE_MIN_BYTES = 256;
    public static final int MIN_DEFLATE_MIN_BYTES = 0;
    public static final int MAX_DEFLATE_MIN_BYTES = 1 << 20;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String pid() {
        return PID;
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        GatewayCrypto.Settings c = settings(s, home, true);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("privateKey", c.privateKey().toString());
        out.put("publicKey", c.publicKey().toString());
        out.put("cloudId", c.cloudId());
        out.put("cloudPublicKey", c.cloudPublicKey().toString());
        out.put("replayState", c.replayState().toString());
        out.put("encrypt", c.encrypt());
        out.put("sign", c.sign());
        out.put("commandWindowSeconds", c.commandWindow().toSeconds());
        out.put("keyRotationHours", c.keyRotationInterval().toHours());
        out.put("keyRotationMessages", c.keyRotationMessages());
        out.put("deflateMinBytes", (long) c.deflateMinBytes());
        return out;
    }

    /**
     * The component's ConfigAdmin properties (as {@link #properties} made them, or as anyone put them into
     * ConfigAdmin; {@code gatewayId} required, {@code deflateMinBytes} beside the section's keys) as settings.
     * Key files are not opened here: {@link GatewayCrypto#load} does, and refuses an exposed key with its
     * own exception.
     *
     * @throws IllegalArgumentException listing every problem (out of range, wrong kind, unknown key)
     */
    public static GatewayCrypto.Settings read(Map<String, ?> properties) {
        return SectionProperties.read(PID, properties, true, (s, home) -> settings(s, home, false));
    }

    /**
     * Reads {@code HOME/gateway.json} ({@code id}, the {@code security} section and
     * {@code telemetry.deflateMinBytes}) through this schema, for the command line; key files are not opened
     * (see {@link #read}).
     *
     * @throws IOException if the file is unreadable, not JSON, has no {@code id}, or the section has problems
     *                     (every problem, as {@code FILE: JSON-PATH: REASON})
     */
    public static GatewayCrypto.Settings settings(Path home) throws IOException {
        Path file = home.resolve("gateway.json");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IOException(file + " is not readable: " + e.getMessage(), e);
        }
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse(file.toString(), text, problems);
        GatewayCrypto.Settings out = null;
        if (root.isObject(true)) {
            String id = root.string("id", true, "");
            ConfigNode s = root.child(NAME);
            s.isObject(false);
            out = settings(s, new HomeInfo(home.toAbsolutePath().normalize(), id, root::child), false);
            s.reportUnknownKeys();
        }
        if (problems.errorCount() > 0) {
            throw new IOException(problems.describeErrors());
        }
        return out;
    }

    /**
     * Reads and checks the section; problems are recorded on {@code s} (the result is then a placeholder).
     *
     * @param checkKeyFiles whether key files that exist are opened and checked (validation), or left to
     *                      {@link GatewayCrypto#load} (the component and the command line)
     */
    static GatewayCrypto.Settings settings(ConfigNode s, HomeInfo home, boolean checkKeyFiles) {
        Path privateKey = keyFile(s, home, "privateKey", DEFAULT_PRIVATE_KEY, true, checkKeyFiles);
        Path publicKey = keyFile(s, home, "publicKey", DEFAULT_PUBLIC_KEY, false, checkKeyFiles);
        String cloudId = s.string("cloudId", false, DEFAULT_CLOUD_ID);
        if (Ids.problem(cloudId) != null) {
            s.child("cloudId").error("id " + Ids.problem(cloudId));
        }
        Path cloudPublicKey = keyFile(s, home, "cloudPublicKey", DEFAULT_CLOUD_PUBLIC_KEY, false, checkKeyFiles);
        String replay = s.string("replayState", false, DEFAULT_REPLAY_STATE);
        Path replayState = Path.of(home.resolve(replay.isEmpty() ? DEFAULT_REPLAY_STATE : replay));
        boolean encrypt = s.bool("encrypt", DEFAULT_ENCRYPT);
        if (!encrypt) {
            s.child("encrypt").warn("encryption is OFF: telemetry bodies travel in clear text");
        }
        boolean sign = s.bool("sign", DEFAULT_SIGN);
        if (!sign) {
            s.child("sign").warn("signing is OFF: the cloud cannot tell our messages from forgeries");
        }
        long window = s.integer("commandWindowSeconds", MIN_COMMAND_WINDOW_SECONDS, MAX_COMMAND_WINDOW_SECONDS,
                DEFAULT_COMMAND_WINDOW_SECONDS, false);
        long rotationHours = s.integer("keyRotationHours", MIN_KEY_ROTATION_HOURS, MAX_KEY_ROTATION_HOURS,
                DEFAULT_KEY_ROTATION_HOURS, false);
        long rotationMessages = s.integer("keyRotationMessages", MIN_KEY_ROTATION_MESSAGES, MAX_KEY_ROTATION_MESSAGES,
                DEFAULT_KEY_ROTATION_MESSAGES, false);
        // The sealer deflates, so this schema owns the key although it sits in the telemetry section.
        long deflate = home.section("telemetry").integer("deflateMinBytes", MIN_DEFLATE_MIN_BYTES,
                MAX_DEFLATE_MIN_BYTES, DEFAULT_DEFLATE_MIN_BYTES, false);
        return new GatewayCrypto.Settings(home.gatewayId(), home.home(), privateKey, publicKey, cloudId,
                cloudPublicKey, encrypt, sign, Duration.ofSeconds(window), Duration.ofHours(rotationHours),
                rotationMessages, (int) deflate, replayState);
    }

    private static Path keyFile(ConfigNode s, HomeInfo home, String key, String fallback, boolean isPrivate,
                                boolean check) {
        String configured = s.string(key, false, fallback);
        String abs = home.resolve(configured);
        if (abs.isEmpty()) {
            s.child(key).error("must name a file");
            return Path.of(home.resolve(fallback));
        }
        Path file = Path.of(abs);
        if (!check) {
            return file;
        }
        if (!Files.exists(file)) {
            s.child(key).warn("file " + configured + " does not exist yet: run `tidegate provision` before `tidegate run`");
            return file;
        }
        try {
            if (isPrivate) {
                PemKeys.checkPrivateKeyPermissions(file);
                PemKeys.readPrivateKey(file);
            } else {
                PemKeys.readPublicKey(file);
            }
        } catch (IOException e) {
            s.child(key).error(e.getMessage());
        }
        return file;
    }
}
