package org.tidegate.crypto.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.Provisioning;

/**
 * {@code tidegate provision --first-boot}: for batches of SD cards flashed with one image, each card carries its own
 * small provisioning file (id, broker, cloud key) on the boot partition, which a PC can write. The
 * {@code tidegate-firstboot} unit runs this as root before the gateway starts; the file is consumed once: removed
 * after a successful provisioning, kept (and the reason printed to the journal) when it is wrong.
 */
final class FirstBootFile {
    static final String HOME_FILE = "provision.json";
    static final List<Path> BOOT_FILES = List.of(Path.of("/boot/firmware/tidegate-provision.json"),
            Path.of("/boot/tidegate-provision.json"));
    /** A provisioning file is a few hundred bytes: anything far larger is not one. */
    static final long MAX_BYTES = 64 * 1024;
    private static final Set<String> KEYS = Set.of("id", "broker", "cloudKey", "cloudId");

    private FirstBootFile() {
    }

    static int consume(Path home, HomeAccess.User owner, PrintStream out, PrintStream err)
            throws Exception {
        List<Path> candidates = new ArrayList<>();
        candidates.add(home.resolve(HOME_FILE));
        candidates.addAll(BOOT_FILES);
        Path file = candidates.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (file == null) {
            out.println("provision: no first-boot provisioning file (looked for " + candidates + "): nothing to do");
            return 0;
        }
        if (Files.size(file) > MAX_BYTES) {
            err.println("provision: " + file + ": $: larger than " + MAX_BYTES + " bytes, not a provisioning file");
            return 1;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            err.println("provision: " + file + ": $: not valid JSON (" + e.getMessage() + ")");
            return 1;
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            problems.add("$: must be a JSON object {\"id\", \"broker\", \"cloudKey\"}");
        } else {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KEYS.contains(k)) {
                    problems.add("$." + k + ": unknown key (known: " + KEYS + ")");
                }
            }
            for (String k : List.of("id", "broker", "cloudKey")) {
                if (!root.path(k).isTextual()) {
                    problems.add("$." + k + ": required, a string");
                }
            }
            if (root.has("cloudId") && !root.get("cloudId").isTextual()) {
                problems.add("$.cloudId: must be a string");
            }
        }
        PublicKey cloudKey = null;
        if (problems.isEmpty()) {
            try {
                cloudKey = PemKeys.parsePublicKey(root.get("cloudKey").asText());
            } catch (IOException e) {
                problems.add("$.cloudKey: " + e.getMessage() + " (the cloud's SM2 public key as PEM text, newlines as \\n)");
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("provision: " + file + ": " + p));
            err.println("provision: " + file + " kept; fix it and restart (systemctl restart tidegate-firstboot tidegate)");
            return 1;
        }
        out.println("first boot: provisioning from " + file);
        int code = ProvisionCommand.provision(new Provisioning.Request(home, root.get("id").asText(),
                root.get("broker").asText(), cloudKey, null, root.path("cloudId").asText(Provisioning.DEFAULT_CLOUD_ID),
                false), owner, out, err);
        if (code != 0) {
            err.println("provision: " + file + " kept: it did not provision the gateway");
            return code;
        }
        Files.delete(file);
        out.println("first boot: " + file + " consumed and removed");
        return 0;
    }
}
