package org.tidegate.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON value with the file and JSON path it came from. Typed getters record a problem (instead of
 * throwing) when a value is missing, of the wrong kind or out of range, and return a usable fallback, so
 * that one pass finds every problem.
 *
 * <p>Every key a schema asks for, present or not, is remembered; {@link #reportUnknownKeys()} then reports
 * each key of every object the schema looked into that nobody asked for, with the closest asked-for key as
 * a hint. So a schema cannot forget to reject a typo, at any depth, and the hint list is always the real one.
 *
 * <p>A node may belong to a merged document (a device file's overrides laid over its profile's channels):
 * {@link #origin} records, per object and key, the file and path a value really came from, so problems name
 * the file the user must edit. Not thread-safe: one checking pass uses one tree.
 */
public final class ConfigNode {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final String file;
    private final String path;
    private final JsonNode json;
    private final ConfigProblems problems;
    private final Map<JsonNode, Map<String, String[]>> origins;
    private final Map<String, ConfigNode> children = new LinkedHashMap<>();
    private final Map<Integer, ConfigNode> elements = new LinkedHashMap<>();
    private final Set<String> asked = new LinkedHashSet<>();
    private boolean looked;

    private ConfigNode(String file, String path, JsonNode json, ConfigProblems problems,
                       Map<JsonNode, Map<String, String[]>> origins) {
        this.file = file;
        this.path = path;
        this.json = json;
        this.problems = problems;
        this.origins = origins;
    }

    /** The whole of one file ({@code $}). */
    public static ConfigNode root(String file, JsonNode json, ConfigProblems problems) {
        return new ConfigNode(file, "$", json, problems, new IdentityHashMap<>());
    }

    /** A subtree that came from {@code file} at {@code path}. */
    public static ConfigNode at(String file, String path, JsonNode json, ConfigProblems problems) {
        return new ConfigNode(file, path, json, problems, new IdentityHashMap<>());
    }

    /**
     * Parses JSON text (duplicate keys refused); on a syntax error records the problem with line and column
     * and returns a node that is not {@link #present()}.
     */
    public static ConfigNode parse(String file, String text, ConfigProblems problems) {
        // A byte-order mark is what Windows editors put first; it is no part of the JSON, so it is skipped.
        String json = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try {
            JsonNode tree = json.isBlank() ? null : MAPPER.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                problems.error(file, "$", "the file is empty; it must hold one JSON object { ... }");
                return root(file, null, problems);
            }
            return root(file, tree, problems);
        } catch (JsonProcessingException e) {
            problems.error(file, "$", "not valid JSON: " + where(e) + syntaxError(e));
            return root(file, null, problems);
        }
    }

    /** The reader every configuration file is read with (duplicate keys are an error). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Jackson's description of a syntax error without its advice to the programmer ("enable
     * `JsonReadFeature...` to allow"), which an operator cannot follow, and with a hint where one helps.
     */
    public static String syntaxError(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        String plain = m.replaceAll(":? *\\(?enable `?[A-Za-z_.]+`? to allow[^)]*\\)?", "").trim();
        if (m.contains("NON_NUMERIC_NUMBERS") || plain.matches("(?s).*'(NaN|[+-]?Infinity|INF)'.*")) {
            return plain + "; hint: JSON has no NaN or Infinity: write a number (or null where a value may be"
                    + " missing)";
        }
        if (m.contains("ALLOW_COMMENTS") || m.contains("ALLOW_YAML_COMMENTS")) {
            return "a comment (// or /* */); hint: JSON has no comments: remove it (a channel's \"description\" can"
                    + " say it)";
        }
        if (m.contains("ALLOW_SINGLE_QUOTES") || m.contains("(code 39)")) {
            return plain + "; hint: JSON strings and keys are written in double quotes (\"), not single quotes";
        }
        if (m.startsWith("Unexpected character ('}'") && m.contains("double-quote to start field name")
                || m.startsWith("Unexpected character (']'") && m.contains("expected a valid value")) {
            return plain + "; hint: a comma before " + (m.contains("('}'") ? "}" : "]")
                    + " (after the last item) is not allowed in JSON: remove it";
        }
        return plain;
    }

    /** "line L, column C: " of a JSON syntax error, or "". */
    public static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    }

    /**
     * Records that the value under {@code key} of the object {@code parent} (a node of this tree's document)
     * came from {@code file} at {@code path}; used when documents are merged.
     */
    public void origin(JsonNode parent, String key, String file, String path) {
        origins.computeIfAbsent(parent, k -> new LinkedHashMap<>()).put(key, new String[] {file, path});
    }

    public String file() {
        return file;
    }

    public String path() {
        return path;
    }

    /** The raw JSON value, or null when absent. Prefer the typed getters: they record problems. */
    public JsonNode json() {
        return json;
    }

    public ConfigProblems problems() {
        return problems;
    }

    // ---- navigation ----

    /** The value under {@code key} (present or not); asking marks the key as known. */
    public ConfigNode child(String key) {
        looked = true;
        asked.add(key);
        return children.computeIfAbsent(key, k -> {
            JsonNode v = json == null || !json.isObject() ? null : json.get(k);
            Map<String, String[]> o = json == null ? null : origins.get(json);
            String[] from = o == null ? null : o.get(k);
            return from == null
                    ? new ConfigNode(file, path + "." + k, v, problems, origins)
                    : new ConfigNode(from[0], from[1], v, problems, origins);
        });
    }

    /** Element {@code i} of an array. */
    public ConfigNode element(int i) {
        return elements.computeIfAbsent(i, k -> {
            JsonNode v = json == null || !json.isArray() ? null : json.get(k);
            Map<String, String[]> o = json == null ? null : origins.get(json);
            String[] from = o == null ? null : o.get("[" + k + "]");
            return from == null
                    ? new ConfigNode(file, path + "[" + k + "]", v, problems, origins)
                    : new ConfigNode(from[0], from[1], v, problems, origins);
        });
    }

    /** The keys of an object whose keys are names chosen by the user (e.g. channel ids); marks them known. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        if (json != null && json.isObject()) {
            json.fieldNames().forEachRemaining(out::add);
        }
        looked = true;
        asked.addAll(out);
        return out;
    }

    /** Marks keys as known that another part reads (so they are not reported as unknown here). */
    public void known(String... keys) {
        looked = true;
        asked.addAll(List.of(keys));
    }

    public boolean present() {
        return json != null && !json.isNull();
    }

    public int size() {
        return json == null ? 0 : json.size();
    }

    // ---- problems ----

    public void error(String message) {
        problems.error(file, path, message);
    }

    public void warn(String message) {
        problems.warn(file, path, message);
    }

    // ---- typed getters ----

    /** True when this is an object; records a problem when it is something else, or absent and required. */
    public boolean isObject(boolean required) {
        looked = true;
        if (!present()) {
            if (required) {
                error("is required (an object)");
            }
            return false;
        }
        if (!json.isObject()) {
            error("must be an object, not " + kind(json));
            return false;
        }
        return true;
    }

    /** True when this is a non-empty array; records a problem otherwise (absent is a problem when required). */
    public boolean isArray(boolean required, String what) {
        if (!present()) {
            if (required) {
                error("is required (" + what + ")");
            }
            return false;
        }
        if (!json.isArray()) {
            error("must be " + what + ", not " + kind(json));
            return false;
        }
        return true;
    }

    public String string(String key, boolean required, String fallback) {
        ConfigNode n = child(key);
        if (!n.present()) {
            if (required) {
                n.error("is required");
            }
            return fallback;
        }
        if (!n.json.isTextual()) {
            n.error("must be a string, not " + kind(n.json) + shown(n.json) + quoteHint(n.json));
            return fallback;
        }
        return n.json.asText();
    }

    public long integer(String key, long min, long max, long fallback, boolean required) {
        ConfigNode n = child(key);
        if (!n.present()) {
            if (required) {
                n.error("is required (an integer " + min + "–" + max + ")");
            }
            return fallback;
        }
        if (!n.json.isIntegralNumber() && !(n.json.isNumber() && n.json.asDouble() == Math.rint(n.json.asDouble()))) {
            n.error("must be an integer, not " + kind(n.json) + shown(n.json) + numberInQuotesHint(n.json, true));
            return fallback;
        }
        long v = n.json.asLong();
        if (v < min || v > max) {
            n.error(v + " is out of range " + min + "–" + max);
            return fallback;
        }
        return v;
    }

    public double number(String key, double fallback) {
        return number(key, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, fallback);
    }

    /** A finite number within [min, max]. */
    public double number(String key, double min, double max, double fallback) {
        ConfigNode n = child(key);
        if (!n.present()) {
            return fallback;
        }
        if (!n.json.isNumber()) {
            n.error("must be a number, not " + kind(n.json) + shown(n.json) + numberInQuotesHint(n.json, false));
            return fallback;
        }
        double v = n.json.asDouble();
        if (!Double.isFinite(v) || v < min || v > max) {
            n.error(n.json.asText() + " is out of range " + fmt(min) + "–" + fmt(max));
            return fallback;
        }
        return v;
    }

    public boolean bool(String key, boolean fallback) {
        ConfigNode n = child(key);
        if (!n.present()) {
            return fallback;
        }
        if (!n.json.isBoolean()) {
            n.error("must be true or false, not " + kind(n.json) + shown(n.json) + booleanHint(n.json));
            return fallback;
        }
        return n.json.asBoolean();
    }

    /** One of {@code allowed} (compared ignoring case, returned lower-case); a near miss gets a hint. */
    public String choice(String key, Collection<String> allowed, String fallback) {
        ConfigNode n = child(key);
        if (!n.present()) {
            return fallback;
        }
        if (!n.json.isTextual()) {
            n.error("must be one of " + allowed + ", not " + kind(n.json));
            return fallback;
        }
        String v = n.json.asText().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.toLowerCase(Locale.ROOT).equals(v)) {
                return a;
            }
        }
        String hint = closest(v, allowed);
        n.error("\"" + n.json.asText() + "\" is not one of " + allowed
                + (hint == null ? "" : " (did you mean \"" + hint + "\"?)"));
        return fallback;
    }

    // ---- unknown keys ----

    /**
     * Reports every key nobody asked for, in this node and every node below it that a schema looked into:
     * {@code unknown key (did you mean "scale"?); known keys: [...]}.
     */
    public void reportUnknownKeys() {
        if (looked && json != null && json.isObject()) {
            for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!asked.contains(k)) {
                    String hint = closest(k, asked);
                    child(k);
                    asked.remove(k);
                    problems.error(children.get(k).file, children.get(k).path, "unknown key"
                            + (hint == null ? "" : " (did you mean \"" + hint + "\"?)")
                            + "; known keys: " + new TreeSet<>(asked));
                }
            }
        }
        for (Map.Entry<String, ConfigNode> c : children.entrySet()) {
            if (asked.contains(c.getKey())) {
                c.getValue().reportUnknownKeys();
            }
        }
        elements.values().forEach(ConfigNode::reportUnknownKeys);
    }

    /** The keys a schema asked for here (after it ran): what the documentation must list. */
    public Set<String> askedKeys() {
        return Set.copyOf(asked);
    }

    // ---- helpers ----

    /** This value as compact JSON text ("" when absent): how a subtree travels through ConfigAdmin. */
    public String toJsonText() {
        if (!present()) {
            return "";
        }
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An empty object (for "defaults only" parsing of an absent section). */
    public static ObjectNode emptyObject() {
        return MAPPER.createObjectNode();
    }

    public static String kind(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /*
     * The commonest wrong kind is a value typed with or without quotes by mistake ("502" for 502); the hints say
     * exactly what to write instead, so the operator need not know JSON's kinds.
     */

    /** {@code ; hint: write the number without quotes: 502} for a number in quotes, else "". */
    public static String numberInQuotesHint(JsonNode n, boolean integral) {
        if (n == null || !n.isTextual()) {
            return "";
        }
        String t = n.asText().trim();
        if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return "";
        }
        double d = Double.parseDouble(t);
        return Double.isFinite(d) && (!integral || d == Math.rint(d))
                ? "; hint: write the number without quotes: " + t : "";
    }

    /** {@code ; hint: write true without quotes} for a boolean in quotes or 0/1, else "". */
    public static String booleanHint(JsonNode n) {
        if (n != null && n.isTextual() && n.asText().trim().matches("(?i)true|false")) {
            return "; hint: write " + n.asText().trim().toLowerCase(Locale.ROOT) + " without quotes";
        }
        if (n != null && n.isNumber() && (n.asText().equals("0") || n.asText().equals("1"))) {
            return "; hint: write " + (n.asText().equals("1") ? "true" : "false");
        }
        return "";
    }

    private static String quoteHint(JsonNode n) {
        return n != null && (n.isNumber() || n.isBoolean())
                ? "; hint: write it in quotes: \"" + n.asText() + "\"" : "";
    }

    /** The value as the user wrote it, shortened: {@code "502"}, {@code 40}, {@code true}. */
    private static String shown(JsonNode n) {
        if (n == null || !n.isValueNode()) {
            return "";
        }
        String t = n.toString();
        return " " + (t.length() <= 40 ? t : t.substring(0, 37) + "...");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** The closest of {@code known} to {@code key} (case-insensitive edit distance), or null if none is near. */
    public static String closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Math.max(3, key.length() / 4 + 1);
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best == null && key.length() >= 4) {
            // a key cut short or run on ("keepAlive" for "keepAliveSeconds") is too far for the edit distance
            String lower = key.toLowerCase(Locale.ROOT);
            int candidates = 0;
            for (String k : known) {
                String kl = k.toLowerCase(Locale.ROOT);
                if (kl.startsWith(lower) || lower.startsWith(kl) && kl.length() >= 4) {
                    candidates++;
                    best = k;
                }
            }
            return candidates == 1 ? best : null; // two keys that begin alike: no guess
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
