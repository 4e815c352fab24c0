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
import java.util.List;
import java.util.Set;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.InsecureKeyFileException;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;

/**
 * {@code tidegate provision}: turns a directory into a gateway home with an identity. Safe to run again:
 * an existing key pair is kept (unless --force), other keys of gateway.json are preserved.
 */
public class ProvisionCommand implements Subcommand {
    private static final Set<String> BROKER_SCHEMES = Set.of("tcp", "ssl", "ws", "wss", "mqtt", "mqtts");

    @Override
    public String name() {
        return "provision";
    }

    @Override
    public String summary() {
        return "give a gateway home its identity: SM2 key pair, cloud key, id and broker in gateway.json";
    }

    @Override
    public String usage() {
        return """
                tidegate provision --home DIR --id GW --broker URL --cloud-key CLOUD.pub.pem [--cloud-id ID] [--user NAME] [--force]
                tidegate provision --home DIR --first-boot [--user NAME]

                  --home       the gateway home (created if missing, with keys/ profiles/ devices/ data/)
                  --id         the gateway id, [A-Za-z0-9._-]{1,64}; also its MQTT client id
                  --broker     MQTT broker URL, e.g. tcp://10.0.0.5:1883 or ssl://mqtt.example.cn:8883
                  --cloud-key  the cloud's SM2 public key (PEM); copied to DIR/keys/cloud.pub.pem
                  --cloud-id   the cloud's sender id in command envelopes (default: cloud)
                  --user       run as root: the user the gateway runs as, who gets the files (default: the
                               owner of DIR/data, on an installed gateway the service user tidegate)
                  --force      replace an existing gateway key pair, cloud key or gateway id
                  --first-boot take id, broker and cloud key from the first provisioning file found of
                               DIR/provision.json, /boot/firmware/tidegate-provision.json,
                               /boot/tidegate-provision.json ({"id", "broker", "cloudKey": PEM text, "cloudId"});
                               the file is removed once the gateway is provisioned; none found: nothing to do

                Makes DIR/keys/gateway.key.pem (mode 0600) and gateway.pub.pem unless they exist, writes id,
                broker.url and the security section into DIR/gateway.json (other keys are kept), and prints
                the gateway's public key and SM3 fingerprint to register with the cloud. Run as root, it gives
                keys/ and data/ to the service user and makes the configuration readable by its group, so the
                service can start; without a service user to give them to it refuses and says what to run.""";
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, Set.of("home", "id", "broker", "cloud-key", "cloud-id", "user"),
                Set.of("force", "first-boot"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument " + args.positional().get(0));
        }
        Path home = Path.of(args.require("home")).toAbsolutePath().normalize();
        HomeAccess.User owner;
        try {
            owner = FileOwners.serviceUserForRoot(home, args.get("user", null), argv);
        } catch (IllegalArgumentException e) {
            err.println("provision: " + e.getMessage());
            return 1;
        }
        if (args.flag("first-boot")) {
            return FirstBootFile.consume(home, owner, this, out, err);
        }
        Path cloudKeySource = Path.of(args.require("cloud-key")).toAbsolutePath();
        PublicKey cloudKey;
        try {
            cloudKey = PemKeys.readPublicKey(cloudKeySource);
        } catch (IOException e) {
            err.println("provision: cloud key: " + e.getMessage());
            return 1;
        }
        return provision(home, args.require("id"), args.require("broker"), cloudKey, cloudKeySource,
                args.get("cloud-id", SecuritySection.DEFAULT_CLOUD_ID), args.flag("force"), owner, out, err);
    }

    /**
     * Provisions {@code home}; {@code cloudKeySource} is the file the cloud key came from (null: none).
     *
     * @param owner when run as root, the user who gets the files (null: this process's user keeps them)
     */
    int provision(Path home, String id, String broker, PublicKey cloudKey, Path cloudKeySource, String cloudId,
                  boolean force, HomeAccess.User owner, PrintStream out, PrintStream err) throws Exception {
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
        if (Files.exists(cloudFile) && !force && !sameFile(cloudFile, cloudKeySource)) {
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
        if (!Files.exists(cloudFile) || !sameFile(cloudFile, cloudKeySource)) {
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
        if (owner != null) {
            FileOwners.giveTo(home, owner, List.of(keyFile, pubFile, cloudFile));
        }

        out.println("gateway " + id + " provisioned in " + home);
        out.println("  private key  " + keyFile + " (mode 0600, " + keyState + ")");
        out.println("  public key   " + pubFile);
        out.println("  cloud key    " + cloudFile + " (sender id \"" + cloudId + "\", fingerprint "
                + SmKeys.fingerprintGrouped(cloudKey) + ")");
        out.println("  config       " + configFile + " (broker " + broker + ")");
        out.println("Register this gateway public key with the cloud:");
        out.print(PemKeys.toPem(gatewayPub));
        out.println("SM3 fingerprint: " + SmKeys.fingerprintGrouped(gatewayPub));
        // What `tidegate run` will check for the user it runs as: said now, while the technician is here.
        HomeAccess.User runAs = owner != null ? owner : HomeAccess.currentUser();
        ConfigProblems access = new ConfigProblems();
        HomeAccess.check(home, runAs, access);
        if (access.errorCount() > 0) {
            err.println("provision: the gateway could not start as " + runAs.name() + ":");
            access.errors().forEach(p -> err.println("  " + p));
            return 1;
        }
        return 0;
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return b != null && Files.exists(b) && Files.isSameFile(a, b);
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
