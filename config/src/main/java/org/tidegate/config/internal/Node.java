package org.tidegate.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON value with the file and JSON path it came from, and typed getters that record a problem
 * (instead of throwing) when a value is missing or of the wrong kind. Every getter returns a usable
 * fallback so that checking carries on and finds every problem in one pass.
 */
final class Node {
    final String file;
    final String path;
    final JsonNode json;
    final Problems problems;

    Node(String file, String path, JsonNode json, Problems problems) {
        this.file = file;
        this.path = path;
        this.json = json;
        this.problems = problems;
    }

    Node child(String key) {
        return new Node(file, path + "." + key, json == null ? null : json.get(key), problems);
    }

    Node element(int i) {
        return new Node(file, path + "[" + i + "]", json.get(i), problems);
    }

    boolean present() {
        return json != null && !json.isNull();
    }

    void error(String message) {
        problems.error(file, path, message);
    }

    void warn(String message) {
        problems.warn(file, path, message);
    }

    boolean isObject(boolean required) {
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

    String string(String key, boolean required, String fallback) {
        Node n = child(key);
        if (!n.present()) {
            if (required) {
                n.error("is required");
            }
            return fallback;
        }
        if (!n.json.isTextual()) {
            n.error("must be a string, not " + kind(n.json));
            return fallback;
        }
        return n.json.asText();
    }

    long integer(String key, long min, long max, long fallback, boolean required) {
        Node n = child(key);
        if (!n.present()) {
            if (required) {
                n.error("is required (an integer " + min + "–" + max + ")");
            }
            return fallback;
        }
        if (!n.json.isIntegralNumber()) {
            n.error("must be an integer, not " + kind(n.json));
            return fallback;
        }
        long v = n.json.asLong();
        if (v < min || v > max) {
            n.error(v + " is out of range " + min + "–" + max);
            return fallback;
        }
        return v;
    }

    double number(String key, double fallback) {
        Node n = child(key);
        if (!n.present()) {
            return fallback;
        }
        if (!n.json.isNumber()) {
            n.error("must be a number, not " + kind(n.json));
            return fallback;
        }
        return n.json.asDouble();
    }

    boolean bool(String key, boolean fallback) {
        Node n = child(key);
        if (!n.present()) {
            return fallback;
        }
        if (!n.json.isBoolean()) {
            n.error("must be true or false, not " + kind(n.json));
            return fallback;
        }
        return n.json.asBoolean();
    }

    String choice(String key, Collection<String> allowed, String fallback) {
        Node n = child(key);
        if (!n.present()) {
            return fallback;
        }
        if (!n.json.isTextual()) {
            n.error("must be one of " + allowed + ", not " + kind(n.json));
            return fallback;
        }
        String v = n.json.asText().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            n.error("\"" + n.json.asText() + "\" is not one of " + allowed);
            return fallback;
        }
        return v;
    }

    /** Reports keys of this object that are not in {@code known}, naming the closest known key. */
    void rejectUnknown(Set<String> known) {
        if (json == null || !json.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (!known.contains(k)) {
                String hint = closest(k, known);
                child(k).error("unknown key" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)")
                        + "; known keys: " + new TreeSet<>(known));
            }
        }
    }

    static String kind(JsonNode n) {
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

    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Math.max(3, key.length() / 4 + 1);
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
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
