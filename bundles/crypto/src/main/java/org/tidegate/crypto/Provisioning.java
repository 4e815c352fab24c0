package org.tidegate.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.tidegate.core.config.BrokerUrl;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.internal.AtomicFiles;
import org.tidegate.crypto.internal.FileOwners;
import org.tidegate.crypto.internal.SecuritySection;

/**
 * Gives a gateway home its identity: the SM2 key pair (made unless it exists), the cloud's public key, the id, the
 * broker and the security section of gateway.json (its other keys are kept). The one implementation behind
 * {@code tidegate provision} (and its first-boot file) and the local console's provisioning form, so that both
 * accept and refuse the same input with the same words. Nothing is written before every check passed.
 */
public final class Provisioning {
    /** The cloud's sender id when none is given. */
    public static final String DEFAULT_CLOUD_ID = SecuritySection.DEFAULT_CLOUD_ID;
    private static final String GATEWAY_FILE = "gateway.json";

    private Provisioning() {
    }

    /**
     * What to provision.
     *
     * @param cloudKeySource the file the cloud key was read from (kept as it is when it already is the home's cloud
     *                       key file), or null when it came as text
     * @param force          replace an existing key pair, cloud key or gateway id
     */
    public record Request(Path home, String id, String broker, PublicKey cloudKey, Path cloudKeySource,
                          String cloudId, boolean force) {
    }

    /**
     * The result of {@link #provision}.
     *
     * @param refusal        why nothing was done (the text {@code tidegate provision} prints after "provision: "), or
     *                       null: provisioned
     * @param report         what was written, a line each (as {@code provision} prints them)
     * @param publicKeyPem   the gateway's public key, to register with the cloud
     * @param fingerprint    its SM3 fingerprint, grouped ({@link SmKeys#fingerprintGrouped})
     * @param runAs          the user {@link #accessProblems} were checked for (who will run the gateway)
     * @param accessProblems file access that would stop {@code tidegate run} as {@code runAs}: empty when none
     */
    public record Outcome(String refusal, List<String> report, String publicKeyPem, String fingerprint, String runAs,
                          List<String> accessProblems) {
        public Outcome {
            report = List.copyOf(report);
            accessProblems = List.copyOf(accessProblems);
        }

        static Outcome refused(String why) {
            return new Outcome(why, List.of(), null, null, null, List.of());
        }

        public boolean provisioned() {
            return refusal == null;
        }
    }

    /**
     * Whether {@code home} has no identity yet: no gateway.json, one without an id, or no private key where it says
     * (the default {@code keys/gateway.key.pem}). A home that is not a directory (a mistyped path) and a gateway.json
     * that is not a JSON object are no such case: those are errors for {@code tidegate validate} to name.
     */
    public static boolean needed(Path home) {
        if (!Files.isDirectory(home)) {
            return false;
        }
        Path config = home.resolve(GATEWAY_FILE);
        if (!Files.exists(config)) {
            return true;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            return false;
        }
        if (root == null || !root.isObject()) {
            return false;
        }
        String id = root.path("id").asText("");
        if (id.isBlank()) {
            return true;
        }
        String key = root.path("security").path("privateKey").asText(SecuritySection.DEFAULT_PRIVATE_KEY);
        return !Files.exists(GatewayCrypto.Settings.defaults(id, home).resolve(key));
    }

    /** The id and broker URL gateway.json names already (empty strings when none), to offer them again. */
    public static List<String> current(Path home) {
        try {
            JsonNode root = new ObjectMapper().readTree(home.resolve(GATEWAY_FILE).toFile());
            return List.of(root.path("id").asText(""), root.path("broker").path("url").asText(""));
        } catch (IOException | RuntimeException e) {
            return List.of("", "");
        }
    }

    /**
     * Provisions {@code r.home()}.
     *
     * @param owner when run as root, the user who gets the files (null: this process's user keeps them)
     * @throws IOException              when a file cannot be written (what was checked is refused in the outcome)
     * @throws GeneralSecurityException when a key cannot be encoded
     */
    public static Outcome provision(Request r, HomeAccess.User owner) throws IOException, GeneralSecurityException {
        Path home = r.home().toAbsolutePath().normalize();
        String id = r.id();
        String idProblem = Ids.problem(id);
        if (idProblem != null) {
            return Outcome.refused("gateway id " + idProblem);
        }
        String cloudIdProblem = Ids.problem(r.cloudId());
        if (cloudIdProblem != null) {
            return Outcome.refused("cloud id " + cloudIdProblem);
        }
        String brokerProblem = r.broker() == null ? "is missing" : BrokerUrl.problem(r.broker());
        if (brokerProblem != null) {
            return Outcome.refused("broker URL \"" + r.broker() + "\" " + brokerProblem);
        }

        Path configFile = home.resolve(GATEWAY_FILE);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root;
        if (Files.exists(configFile)) {
            JsonNode existing;
            try {
                existing = json.readTree(configFile.toFile());
            } catch (IOException e) {
                return Outcome.refused(configFile + " is not valid JSON (" + e.getMessage() + "); fix or remove it first");
            }
            if (!(existing instanceof ObjectNode o)) {
                return Outcome.refused(configFile + " is not a JSON object; fix or remove it first");
            }
            root = o;
            String oldId = root.path("id").asText("");
            if (!oldId.isEmpty() && !oldId.equals(id) && !r.force()) {
                return Outcome.refused(configFile + " belongs to gateway \"" + oldId + "\", not \"" + id
                        + "\"; pass --force to re-provision it under the new id");
            }
        } else {
            root = json.createObjectNode();
        }

        ObjectNode security = root.path("security") instanceof ObjectNode s ? s : root.putObject("security");
        GatewayCrypto.Settings defaults = GatewayCrypto.Settings.defaults(id, home);
        Path keyFile = defaults.resolve(security.path("privateKey").asText(SecuritySection.DEFAULT_PRIVATE_KEY));
        Path pubFile = defaults.resolve(security.path("publicKey").asText(SecuritySection.DEFAULT_PUBLIC_KEY));
        Path cloudFile = home.resolve(SecuritySection.DEFAULT_CLOUD_PUBLIC_KEY);
        PublicKey cloudKey = r.cloudKey();

        // refuse before writing anything: a different cloud key must be replaced on purpose
        if (Files.exists(cloudFile) && !r.force() && !sameFile(cloudFile, r.cloudKeySource())) {
            PublicKey current;
            try {
                current = PemKeys.readPublicKey(cloudFile);
            } catch (IOException e) {
                return Outcome.refused("existing " + cloudFile + " is unreadable (" + e.getMessage()
                        + "); pass --force to replace it");
            }
            if (!Arrays.equals(SmKeys.spki(current), SmKeys.spki(cloudKey))) {
                return Outcome.refused(cloudFile + " holds a different cloud key (fingerprint "
                        + SmKeys.fingerprintGrouped(current) + "); pass --force to replace it");
            }
        }
        // and an existing private key must be usable before anything is written beside it
        PrivateKey existingKey = null;
        if (Files.exists(keyFile) && !r.force()) {
            try {
                existingKey = PemKeys.readPrivateKey(keyFile);
            } catch (InsecureKeyFileException e) {
                return Outcome.refused(e.getMessage());
            } catch (IOException e) {
                return Outcome.refused("existing private key: " + e.getMessage()
                        + "; pass --force to replace it with a new key pair");
            }
            PublicKey derived = SmKeys.publicKeyOf(existingKey);
            if (Files.exists(pubFile) && !Arrays.equals(SmKeys.spki(PemKeys.readPublicKey(pubFile)), SmKeys.spki(derived))) {
                return Outcome.refused(pubFile + " does not match " + keyFile
                        + "; remove the public key file to rewrite it from the private key");
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
        if (existingKey != null) {
            gatewayPub = SmKeys.publicKeyOf(existingKey);
            keyState = "kept";
            if (!Files.exists(pubFile)) {
                PemKeys.writePublicKey(pubFile, gatewayPub, false);
            }
        } else {
            KeyPair kp = SmKeys.generate();
            PemKeys.writePrivateKey(keyFile, kp.getPrivate(), r.force());
            PemKeys.writePublicKey(pubFile, kp.getPublic(), true);
            gatewayPub = kp.getPublic();
            keyState = r.force() ? "new (replaced)" : "new";
        }
        if (!Files.exists(cloudFile) || !sameFile(cloudFile, r.cloudKeySource())) {
            PemKeys.writePublicKey(cloudFile, cloudKey, true);
        }

        root.put("id", id);
        ObjectNode brokerNode = root.path("broker") instanceof ObjectNode b ? b : root.putObject("broker");
        brokerNode.put("url", r.broker());
        security.put("privateKey", relative(home, keyFile));
        security.put("publicKey", relative(home, pubFile));
        security.put("cloudId", r.cloudId());
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

        List<String> report = List.of(
                "gateway " + id + " provisioned in " + home,
                "  private key  " + keyFile + " (mode 0600, " + keyState + ")",
                "  public key   " + pubFile,
                "  cloud key    " + cloudFile + " (sender id \"" + r.cloudId() + "\", fingerprint "
                        + SmKeys.fingerprintGrouped(cloudKey) + ")",
                "  config       " + configFile + " (broker " + r.broker() + ")");
        // What `tidegate run` will check for the user it runs as: said now, while the technician is here.
        HomeAccess.User runAs = owner != null ? owner : HomeAccess.currentUser();
        ConfigProblems access = new ConfigProblems();
        HomeAccess.check(home, runAs, access);
        List<String> accessProblems = new ArrayList<>();
        for (ConfigProblem p : access.errors()) {
            accessProblems.add(p.toString());
        }
        return new Outcome(null, report, PemKeys.toPem(gatewayPub), SmKeys.fingerprintGrouped(gatewayPub),
                runAs == null ? System.getProperty("user.name") : runAs.name(), accessProblems);
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return b != null && Files.exists(b) && Files.isSameFile(a, b);
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
