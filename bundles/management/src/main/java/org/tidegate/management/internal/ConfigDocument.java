package org.tidegate.management.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.tidegate.config.HomeFiles;
import org.tidegate.core.model.Ids;

/**
 * The configuration as one JSON document — {@code {"gateway.json":{…},"profiles/NAME.json":{…},"devices/ID.json":{…}}}
 * — and the changes the operations make to a file set. Secrets never leave the gateway: any key whose name contains
 * {@code password}, {@code secret} or {@code token} is sent as {@value #SECRET}, and that value in a change keeps the
 * gateway's own value (a password cannot be set remotely, only kept or removed).
 */
final class ConfigDocument {
    static final String SECRET = "(secret)";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token).*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigDocument() {
    }

    /** The files as one document, secrets replaced; a file that is not JSON is sent as its text. */
    static ObjectNode of(Map<String, String> files) {
        ObjectNode doc = JSON.createObjectNode();
        for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
            try {
                JsonNode n = JSON.readTree(e.getValue());
                doc.set(e.getKey(), redact(n == null ? JSON.nullNode() : n.deepCopy()));
            } catch (JsonProcessingException notJson) {
                doc.put(e.getKey(), e.getValue());
            }
        }
        return doc;
    }

    static JsonNode redact(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            Iterator<String> names = o.fieldNames();
            java.util.List<String> keys = new java.util.ArrayList<>();
            names.forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode v = o.get(k);
                if (SECRET_KEY.matcher(k).matches() && v.isTextual() && !v.asText().isEmpty()) {
                    o.put(k, SECRET);
                } else {
                    redact(v);
                }
            }
        } else if (n.isArray()) {
            n.forEach(ConfigDocument::redact);
        }
        return n;
    }

    /** {@code incoming} with every {@value #SECRET} replaced by the value at the same place in {@code current}. */
    static JsonNode keepSecrets(JsonNode incoming, JsonNode current) throws ChangeException {
        JsonNode out = incoming.deepCopy();
        keep(out, current, "$");
        return out;
    }

    private static void keep(JsonNode in, JsonNode cur, String path) throws ChangeException {
        if (!in.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) in;
        java.util.List<String> keys = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode v = o.get(k);
            JsonNode c = cur == null ? null : cur.get(k);
            if (v.isTextual() && SECRET.equals(v.asText())) {
                if (c == null || !c.isTextual()) {
                    throw new ChangeException("BAD_REQUEST", path + "." + k + ": " + SECRET
                            + " stands for the gateway's own value, but it has none here");
                }
                o.set(k, c);
            } else {
                keep(v, c, path + "." + k);
            }
        }
    }

    static String text(JsonNode n) {
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file of the profile or device with {@code id} in {@code dir}, if any (by its {@code "id"}, else by name). */
    static Optional<String> fileOf(Map<String, String> files, String dir, String id) {
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (!e.getKey().startsWith(dir + "/")) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(e.getValue());
                if (n != null && id.equals(n.path("id").asText(null))) {
                    return Optional.of(e.getKey());
                }
            } catch (JsonProcessingException ignored) {
                // a broken file is matched by its name below
            }
        }
        String byName = dir + "/" + id + ".json";
        return files.containsKey(byName) ? Optional.of(byName) : Optional.empty();
    }

    /** Puts a profile ({@code dir} "profiles") or device ("devices") object: replaces the file with its id or adds one. */
    static SortedMap<String, String> put(Map<String, String> files, String dir, JsonNode object) throws ChangeException {
        String what = dir.equals("profiles") ? "profile" : "device";
        if (object == null || !object.isObject()) {
            throw new ChangeException("BAD_REQUEST", "\"" + what + "\" must be a JSON object (the file's content)");
        }
        String id = object.path("id").asText("");
        String problem = Ids.problem(id);
        if (problem != null) {
            throw new ChangeException("BAD_REQUEST", "$." + what + ".id: " + what + " id " + problem);
        }
        SortedMap<String, String> out = new TreeMap<>(files);
        String file = fileOf(files, dir, id).orElse(dir + "/" + id + ".json");
        JsonNode current = null;
        if (files.containsKey(file)) {
            try {
                current = JSON.readTree(files.get(file));
            } catch (JsonProcessingException ignored) {
                current = null;
            }
        }
        out.put(file, text(keepSecrets(object, current)));
        return out;
    }

    static SortedMap<String, String> delete(Map<String, String> files, String dir, String id) throws ChangeException {
        String what = dir.equals("profiles") ? "profile" : "device";
        String file = fileOf(files, dir, id).orElseThrow(
                () -> new ChangeException("NOT_FOUND", "no " + what + " \"" + id + "\" in this configuration"));
        SortedMap<String, String> out = new TreeMap<>(files);
        out.remove(file);
        return out;
    }

    /** Replaces gateway.json (secrets marked {@value #SECRET} kept). */
    static SortedMap<String, String> putGateway(Map<String, String> files, JsonNode gateway) throws ChangeException {
        if (gateway == null || !gateway.isObject()) {
            throw new ChangeException("BAD_REQUEST", "\"settings\" must be a JSON object (the content of gateway.json)");
        }
        JsonNode current = null;
        try {
            current = files.containsKey(HomeFiles.GATEWAY) ? JSON.readTree(files.get(HomeFiles.GATEWAY)) : null;
        } catch (JsonProcessingException ignored) {
            current = null;
        }
        String id = current == null ? null : current.path("id").asText(null);
        if (id != null && gateway.has("id") && !id.equals(gateway.path("id").asText(null))) {
            // The id is the gateway's identity: its key is registered under it, it is the MQTT client id and every
            // topic. Changed remotely, the gateway would seal as one id and publish as another, answer on a topic
            // the sender does not read, and be refused by every receiver.
            throw new ChangeException("INVALID", "$.id: the gateway id \"" + id + "\" cannot be changed remotely (its"
                    + " key, client id and topics are registered under it); change it on site with tidegate provision");
        }
        String storePath = current == null ? null : current.path("store").path("path").asText(null);
        String newStorePath = gateway.path("store").path("path").asText(null);
        if (!java.util.Objects.equals(storePath, newStorePath)) {
            // The store holds the backlog and the sequence counter: reopened elsewhere, undelivered messages stay
            // behind in the old file, and the reply to this very change has no store to go through.
            throw new ChangeException("INVALID", "$.store.path: the store's file cannot be moved remotely (its backlog"
                    + " would stay behind in " + (storePath == null ? "the default file" : storePath)
                    + "); leave store.path as it is, or move it on site");
        }
        SortedMap<String, String> out = new TreeMap<>(files);
        out.put(HomeFiles.GATEWAY, text(keepSecrets(gateway, current)));
        return out;
    }

    /**
     * A whole configuration set: {@code document} maps file names to objects, like {@code config.get}'s; the profiles
     * and devices become exactly those given; gateway.json is replaced if given, kept otherwise.
     */
    static SortedMap<String, String> whole(Map<String, String> files, JsonNode document) throws ChangeException {
        if (document == null || !document.isObject()) {
            throw new ChangeException("BAD_REQUEST", "\"files\" must be a JSON object: file name to its content");
        }
        SortedMap<String, String> out = new TreeMap<>();
        if (files.containsKey(HomeFiles.GATEWAY)) {
            out.put(HomeFiles.GATEWAY, files.get(HomeFiles.GATEWAY));
        }
        Iterator<Map.Entry<String, JsonNode>> it = document.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!HomeFiles.isConfigFile(e.getKey())) {
                throw new ChangeException("BAD_REQUEST", "$.files." + e.getKey()
                        + ": not a configuration file name (gateway.json, profiles/NAME.json, devices/NAME.json)");
            }
            if (!e.getValue().isObject()) {
                throw new ChangeException("BAD_REQUEST", "$.files." + e.getKey() + ": must be a JSON object");
            }
            if (e.getKey().equals(HomeFiles.GATEWAY)) {
                out.putAll(putGateway(out, e.getValue()));
            } else {
                JsonNode current = null;
                try {
                    current = files.containsKey(e.getKey()) ? JSON.readTree(files.get(e.getKey())) : null;
                } catch (JsonProcessingException ignored) {
                    current = null;
                }
                out.put(e.getKey(), text(keepSecrets(e.getValue(), current)));
            }
        }
        return out;
    }
}
