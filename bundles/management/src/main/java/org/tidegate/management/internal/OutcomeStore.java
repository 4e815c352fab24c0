package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tidegate.config.HomeSwitch;

/**
 * The outcomes of changes by their command {@code "id"} (the operator's name for one change), so that the same
 * change delivered twice — a retry in a new envelope — is answered with its stored outcome instead of being applied
 * again. Kept durably in {@code HOME/management/outcomes.json}, the last {@value #KEEP} ids.
 */
final class OutcomeStore {
    static final int KEEP = 500;
    static final int MAX_ID_CHARS = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param body SM3 of the command body (without {@code "gateway"}), to tell a retry from a reused id */
    record Outcome(String op, String body, ObjectNode reply) {
    }

    private final Path file;
    private final LinkedHashMap<String, Outcome> byId = new LinkedHashMap<>();

    OutcomeStore(Path dir) throws IOException {
        this.file = dir.resolve("outcomes.json");
        if (Files.exists(file)) {
            JsonNode n = JSON.readTree(file.toFile());
            n.fields().forEachRemaining(e -> byId.put(e.getKey(), new Outcome(e.getValue().path("op").asText(),
                    e.getValue().path("body").asText(), (ObjectNode) e.getValue().path("reply"))));
        }
    }

    synchronized Optional<Outcome> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    synchronized void put(String id, Outcome o) throws IOException {
        byId.remove(id);
        byId.put(id, o);
        while (byId.size() > KEEP) {
            byId.remove(byId.keySet().iterator().next());
        }
        ObjectNode n = JSON.createObjectNode();
        for (Map.Entry<String, Outcome> e : byId.entrySet()) {
            ObjectNode x = n.putObject(e.getKey());
            x.put("op", e.getValue().op());
            x.put("body", e.getValue().body());
            x.set("reply", e.getValue().reply());
        }
        HomeSwitch.writeAtomically(file, n.toString());
    }
}
