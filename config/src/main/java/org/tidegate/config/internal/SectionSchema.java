package org.tidegate.config.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The keys of each {@code gateway.json} section: kind, default and limits. One table, so that validation,
 * defaults and the documentation in docs/configuration.md cannot drift apart silently (a test compares them).
 */
final class SectionSchema {

    enum Kind { STRING, PATH, OPTIONAL_PATH, INT, BOOL, CHOICE, URL, ID, TOPIC_PREFIX }

    record Field(String key, Kind kind, Object fallback, long min, long max, List<String> choices) {
        static Field string(String key, String fallback) {
            return new Field(key, Kind.STRING, fallback, 0, 0, List.of());
        }

        static Field path(String key, String fallback) {
            return new Field(key, Kind.PATH, fallback, 0, 0, List.of());
        }

        static Field optionalPath(String key) {
            return new Field(key, Kind.OPTIONAL_PATH, "", 0, 0, List.of());
        }

        static Field integer(String key, long fallback, long min, long max) {
            return new Field(key, Kind.INT, fallback, min, max, List.of());
        }

        static Field bool(String key, boolean fallback) {
            return new Field(key, Kind.BOOL, fallback, 0, 0, List.of());
        }

        static Field choice(String key, String fallback, String... choices) {
            return new Field(key, Kind.CHOICE, fallback, 0, 0, List.of(choices));
        }
    }

    static final Map<String, List<Field>> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("broker", List.of(
                new Field("url", Kind.URL, null, 0, 0, List.of()),
                new Field("topicPrefix", Kind.TOPIC_PREFIX, "tidegate", 0, 0, List.of()),
                Field.string("username", ""),
                Field.string("password", ""),
                Field.string("passwordEnv", "TIDEGATE_MQTT_PASSWORD"),
                Field.optionalPath("caFile"),
                Field.optionalPath("certFile"),
                Field.optionalPath("keyFile"),
                Field.integer("keepAliveSeconds", 30, 5, 3600),
                Field.integer("reconnectMinMs", 1000, 100, 600_000),
                Field.integer("reconnectMaxMs", 60_000, 100, 3_600_000),
                Field.integer("inflight", 32, 1, 1000),
                Field.integer("rateLimitPerSecond", 0, 0, 1_000_000)));
        SECTIONS.put("security", List.of(
                Field.path("privateKey", "keys/gateway.key.pem"),
                Field.path("publicKey", "keys/gateway.pub.pem"),
                new Field("cloudId", Kind.ID, "cloud", 0, 0, List.of()),
                Field.path("cloudPublicKey", "keys/cloud.pub.pem"),
                Field.optionalPath("replayState"),
                Field.bool("encrypt", true),
                Field.bool("sign", true),
                Field.integer("commandWindowSeconds", 300, 1, 86_400),
                Field.integer("keyRotationHours", 24, 1, 24),
                Field.integer("keyRotationMessages", 1L << 20, 1, 1L << 20)));
        SECTIONS.put("store", List.of(
                Field.path("path", "data/queue.db"),
                Field.integer("maxBytes", 256L << 20, 1L << 20, 1L << 40),
                Field.integer("maxMessages", 1_000_000, 100, 1_000_000_000),
                Field.integer("maxAgeDays", 30, 1, 3650),
                Field.choice("synchronous", "full", "full", "normal", "extra")));
        SECTIONS.put("telemetry", List.of(
                Field.integer("batchPolls", 1, 1, 3600),
                Field.integer("deflateMinBytes", 256, 0, 1 << 20),
                Field.integer("statusIntervalSeconds", 300, 0, 86_400),
                Field.integer("handOffCapacity", 10_000, 1, 1_000_000),
                Field.integer("actionRetryMs", 5000, 1, 600_000)));
    }

    static Set<String> keys(String section) {
        return SECTIONS.get(section).stream().map(Field::key).collect(Collectors.toSet());
    }

    static Map<String, Field> byKey(String section) {
        return SECTIONS.get(section).stream().collect(Collectors.toMap(Field::key, Function.identity()));
    }

    /** Resolves a configured path against the home directory. */
    static String resolve(Path home, String p) {
        return p.isEmpty() ? "" : home.resolve(p).normalize().toString();
    }

    private SectionSchema() {
    }
}
