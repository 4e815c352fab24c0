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
import org.tidegate.core.config.SectionSchema;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SealerOptions;

/**
 * The {@code security} section of gateway.json: the gateway's identity, the cloud's key, and how messages
 * are sealed. Key files that exist are checked here as {@code tidegate run} checks them (a private key
 * readable by others, or a file that is not a key, is an error), so validate and run agree; key files that
 * do not exist yet are a warning: the home is a template until {@code tidegate provision} ran.
 */
public final class SecuritySection implements SectionSchema {

    @Override
    public String name() {
        return "security";
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        Map<String, Object> out = new LinkedHashMap<>();
        String privateKey = keyFile(s, home, "privateKey", "keys/gateway.key.pem", true);
        out.put("privateKey", privateKey);
        out.put("publicKey", keyFile(s, home, "publicKey", "keys/gateway.pub.pem", false));
        String cloudId = s.string("cloudId", false, "cloud");
        if (Ids.problem(cloudId) != null) {
            s.child("cloudId").error("id " + Ids.problem(cloudId));
        }
        out.put("cloudId", cloudId);
        out.put("cloudPublicKey", keyFile(s, home, "cloudPublicKey", "keys/cloud.pub.pem", false));
        String replay = s.string("replayState", false, "");
        out.put("replayState", home.resolve(replay.isEmpty() ? GatewayCrypto.DEFAULT_REPLAY_STATE : replay));
        boolean encrypt = s.bool("encrypt", true);
        if (!encrypt) {
            s.child("encrypt").warn("encryption is OFF: telemetry bodies travel in clear text");
        }
        out.put("encrypt", encrypt);
        boolean sign = s.bool("sign", true);
        if (!sign) {
            s.child("sign").warn("signing is OFF: the cloud cannot tell our messages from forgeries");
        }
        out.put("sign", sign);
        out.put("commandWindowSeconds", s.integer("commandWindowSeconds", 1, 86_400, 300, false));
        out.put("keyRotationHours", s.integer("keyRotationHours", 1, 24,
                SealerOptions.DEFAULT_ROTATION_INTERVAL.toHours(), false));
        out.put("keyRotationMessages", s.integer("keyRotationMessages", 1, SealerOptions.DEFAULT_ROTATION_MESSAGES,
                SealerOptions.DEFAULT_ROTATION_MESSAGES, false));
        // The sealer deflates, so this schema owns the key although it sits in the telemetry section.
        out.put("deflateMinBytes", home.section("telemetry").integer("deflateMinBytes", 0, 1 << 20,
                SealerOptions.DEFAULT_DEFLATE_MIN_BYTES, false));
        return out;
    }

    /**
     * The settings of {@code HOME/gateway.json} ({@code id}, the {@code security} section and
     * {@code telemetry.deflateMinBytes}), read by this schema; problems in those parts are an error.
     */
    public static GatewayCrypto.Settings settings(Path home) throws IOException {
        Path file = home.resolve("gateway.json");
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse("gateway.json", Files.readString(file), problems);
        String id = root.string("id", true, "");
        ConfigNode sec = root.child("security");
        if (!sec.isObject(false)) {
            sec = ConfigNode.at("gateway.json", "$.security", ConfigNode.emptyObject(), problems);
        }
        Map<String, Object> p = new SecuritySection().properties(sec, new HomeInfo(home.toAbsolutePath().normalize(),
                id, root::child));
        if (problems.errorCount() > 0) {
            throw new IOException(file + ": " + problems.describeErrors());
        }
        GatewayCrypto.Settings d = GatewayCrypto.Settings.defaults(id, home);
        return new GatewayCrypto.Settings(id, d.home(), Path.of((String) p.get("privateKey")),
                Path.of((String) p.get("publicKey")), (String) p.get("cloudId"), Path.of((String) p.get("cloudPublicKey")),
                (Boolean) p.get("encrypt"), (Boolean) p.get("sign"),
                Duration.ofSeconds((Long) p.get("commandWindowSeconds")), Duration.ofHours((Long) p.get("keyRotationHours")),
                (Long) p.get("keyRotationMessages"), ((Long) p.get("deflateMinBytes")).intValue(),
                Path.of((String) p.get("replayState")));
    }

    private static String keyFile(ConfigNode s, HomeInfo home, String key, String fallback, boolean isPrivate) {
        String configured = s.string(key, false, fallback);
        String abs = home.resolve(configured);
        if (abs.isEmpty()) {
            s.child(key).error("must name a file");
            return abs;
        }
        Path file = Path.of(abs);
        if (!Files.exists(file)) {
            s.child(key).warn("file " + configured + " does not exist yet: run `tidegate provision` before `tidegate run`");
            return abs;
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
        return abs;
    }
}
