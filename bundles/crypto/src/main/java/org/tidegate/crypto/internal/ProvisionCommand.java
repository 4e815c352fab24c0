package org.tidegate.crypto.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Set;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.InsecureKeyFileException;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate provision}: turns a directory into a gateway home with an identity. Safe to run again:
 * an existing key pair is kept (unless --force), other keys of gateway.json are preserved.
 */
@Command(name = "provision", description = {
        "give a gateway home its identity: SM2 key pair, cloud key, id and broker in gateway.json", "",
        "Makes DIR/keys/gateway.key.pem (mode 0600) and gateway.pub.pem unless they exist, writes id,",
        "broker.url and the security section into DIR/gateway.json (other keys are kept), and prints",
        "the gateway's public key and SM3 fingerprint to register with the cloud."})
public class ProvisionCommand implements PicocliCommand {
    private static final Set<String> BROKER_SCHEMES = Set.of("tcp", "ssl", "ws", "wss", "mqtt", "mqtts");

    @Option(names = "--home", required = true, paramLabel = "DIR",
            description = "the gateway home (created if missing, with keys/ profiles/ devices/ data/)")
    Path homeOption;

    @Option(names = "--id", required = true, paramLabel = "GW",
            description = "the gateway id, [A-Za-z0-9._-]{1,64}; also its MQTT client id")
    String id;

    @Option(names = "--broker", required = true, paramLabel = "URL",
            description = "MQTT broker URL, e.g. tcp://10.0.0.5:1883 or ssl://mqtt.example.cn:8883")
    String broker;

    @Option(names = "--cloud-key", required = true, paramLabel = "CLOUD.pub.pem",
            description = "the cloud's SM2 public key (PEM); copied to DIR/keys/cloud.pub.pem")
    Path cloudKeyOption;

    @Option(names = "--cloud-id", paramLabel = "ID", defaultValue = SecuritySection.DEFAULT_CLOUD_ID,
            description = "the cloud's sender id in command envelopes (default: ${DEFAULT-VALUE})")
    String cloudId;

    @Option(names = "--force", description = "replace an existing gateway key pair, cloud key or gateway id")
    boolean force;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        Path home = homeOption.toAbsolutePath().normalize();
        Path cloudKeySource = cloudKeyOption.toAbsolutePath();

        String idProblem = Ids.problem(id);
        if (idProblem != null) {
            err.println("provision: gateway id " + idProblem);
            return 1;
        }
        String cloudIdProblem = Ids.problem(cloudId);
        if (cloudIdProblem != null) {
            err.println("provision: cloud id " + cloudIdProblem);
            return 1;
        }
        String brokerProblem = brokerProblem(broker);
        if (brokerProblem != null) {
            err.println("provision: broker URL \"" + broker + "\" " + brokerProblem);
            return 1;
        }
        PublicKey cloudKey;
        try {
            cloudKey = PemKeys.readPublicKey(cloudKeySource);
        } catch (IOException e) {
            err.println("provision: cloud key: " + e.getMessage());
            return 1;
        }

        Path configFile = home.resolve("gateway.json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root;
        if (Files.exists(configFile)) {
            JsonNode existing;
            try {
                existing = json.readTree(configFile.toFile());
            } catch (IOException e) {
                err.println("provision: " + configFile + " is not valid JSON (" + e.getMessage()
                        + "); fix or remove it first");
                return 1;
            }
            if (!(existing instanceof ObjectNode o)) {
                err.println("provision: " + configFile + " is not a JSON object; fix or remove it first");
                return 1;
            }
            root = o;
            String oldId = root.path("id").asText("");
            if (!oldId.isEmpty() && !oldId.equals(id) && !force) {
                err.println("provision: " + configFile + " belongs to gateway \"" + oldId + "\", not \"" + id
                        + "\"; pass --force to re-provision it under the new id");
                return 1;
            }
        } else {
            root = json.createObjectNode();
        }

        ObjectNode security = root.path("security") instanceof ObjectNode s ? s : root.putObject("security");
        GatewayCrypto.Settings defaults = GatewayCrypto.Settings.defaults(id, home);
        Path keyFile = defaults.resolve(security.path("privateKey").asText(SecuritySection.DEFAULT_PRIVATE_KEY));
        Path pubFile = defaults.resolve(security.path("publicKey").asText(SecuritySection.DEFAULT_PUBLIC_KEY));
        Path cloudFile = home.resolve(SecuritySection.DEFAULT_CLOUD_PUBLIC_KEY);

        // refuse before writing anything: a different cloud key must be replaced on purpose
        if (Files.exists(cloudFile) && !force && !Files.isSameFile(cloudFile, cloudKeySource)) {
            PublicKey current;
            try {
                current = PemKeys.readPublicKey(cloudFile);
            } catch (IOException e) {
                err.println("provision: existing " + cloudFile + " is unreadable (" + e.getMessage()
                        + "); pass --force to replace it");
                return 1;
            }
            if (!Arrays.equals(SmKeys.spki(current), SmKeys.spki(cloudKey))) {
                err.println("provision: " + cloudFile + " holds a different cloud key (fingerprint "
                        + SmKeys.fingerprintGrouped(current) + "); pass --force to replace it");
                return 1;
            }
        }

        for (String d : new String[] {"profiles", "devices", "data"}) {
            Files.createDirectories(home.resolve(d));
        }
        Path keysDir = Files.createDirectories(home.resolve("keys"));
        restrictDirectory(keysDir);
        Files.createDirectories(keyFile.getParent());
        Files.createDirectories(pubFile.getParent());

        PublicKey gatewayPub;
        String keyState;
        if (Files.exists(keyFile) && !force) {
            PrivateKey existing;
            try {
                existing = PemKeys.readPrivateKey(keyFile);
            } catch (InsecureKeyFileException e) {
                err.println("provision: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                err.println("provision: existing private key: " + e.getMessage()
                        + "; pass --force to replace it with a new key pair");
                return 1;
            }
            gatewayPub = SmKeys.publicKeyOf(existing);
            keyState = "kept";
            if (!Files.exists(pubFile)) {
                PemKeys.writePublicKey(pubFile, gatewayPub, false);
            } else if (!Arrays.equals(SmKeys.spki(PemKeys.readPublicKey(pubFile)), SmKeys.spki(gatewayPub))) {
                err.println("provision: " + pubFile + " does not match " + keyFile
                        + "; remove the public key file to rewrite it from the private key");
                return 1;
            }
        } else {
            KeyPair kp = SmKeys.generate();
            PemKeys.writePrivateKey(keyFile, kp.getPrivate(), force);
            PemKeys.writePublicKey(pubFile, kp.getPublic(), true);
            gatewayPub = kp.getPublic();
            keyState = force ? "new (replaced)" : "new";
        }
        if (!Files.exists(cloudFile) || !Files.isSameFile(cloudFile, cloudKeySource)) {
            PemKeys.writePublicKey(cloudFile, cloudKey, true);
        }

        root.put("id", id);
        ObjectNode brokerNode = root.path("broker") instanceof ObjectNode b ? b : root.putObject("broker");
        brokerNode.put("url", broker);
        security.put("privateKey", relative(home, keyFile));
        security.put("publicKey", relative(home, pubFile));
        security.put("cloudId", cloudId);
        security.put("cloudPublicKey", relative(home, cloudFile));
        putIfAbsent(security, "encrypt", true);
        putIfAbsent(security, "sign", true);
        if (!security.has("commandWindowSeconds")) {
            security.put("commandWindowSeconds", SecuritySection.DEFAULT_COMMAND_WINDOW_SECONDS);
        }
        if (!security.has("keyRotationHours")) {
            security.put("keyRotationHours", SecuritySection.DEFAULT_KEY_ROTATION_HOURS);
        }
        if (!security.has("keyRotationMessages")) {
            security.put("keyRotationMessages", SecuritySection.DEFAULT_KEY_ROTATION_MESSAGES);
        }
        Set<PosixFilePermission> mode = Files.exists(configFile)
                ? Files.getPosixFilePermissions(configFile) : PosixFilePermissions.fromString("rw-r--r--");
        AtomicFiles.write(configFile, json.writeValueAsBytes(root), mode, true);

        out.println("gateway " + id + " provisioned in " + home);
        out.println("  private key  " + keyFile + " (mode 0600, " + keyState + ")");
        out.println("  public key   " + pubFile);
        out.println("  cloud key    " + cloudFile + " (sender id \"" + cloudId + "\", fingerprint "
                + SmKeys.fingerprintGrouped(cloudKey) + ")");
        out.println("  config       " + configFile + " (broker " + broker + ")");
        out.println("Register this gateway public key with the cloud:");
        out.print(PemKeys.toPem(gatewayPub));
        out.println("SM3 fingerprint: " + SmKeys.fingerprintGrouped(gatewayPub));
        return 0;
    }

    static String brokerProblem(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || !BROKER_SCHEMES.contains(u.getScheme().toLowerCase())) {
                return "must start with one of tcp:// ssl:// ws:// wss:// mqtt:// mqtts://";
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                return "has no host";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a URL: " + e.getReason();
        }
    }

    private static void putIfAbsent(ObjectNode node, String key, boolean value) {
        if (!node.has(key)) {
            node.put(key, value);
        }
    }

    private static String relative(Path home, Path file) {
        return file.startsWith(home) ? home.relativize(file).toString() : file.toString();
    }

    private static void restrictDirectory(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX or not ours: the key file itself is 0600 regardless
        }
    }
}
