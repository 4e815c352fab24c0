package org.tidegate.uplink.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tidegate.core.config.BrokerUrl;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionProperties;
import org.tidegate.core.config.SectionSchema;
import org.tidegate.core.model.Ids;
import org.tidegate.outbox.Topics;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * The {@code broker} section of gateway.json: how the uplink reaches the city platform's MQTT broker.
 *
 * <p>The one place that knows the section's keys, limits and defaults: the component's MetaType annotation,
 * {@link UplinkOptions} and docs/configuration.md refer to the constants here (a test in {@code config} compares
 * the documented defaults with {@link #properties}). The component decodes its ConfigAdmin properties with
 * {@link #read}, so a configuration put straight into ConfigAdmin gets the same checks as gateway.json.
 */
public final class BrokerSection implements SectionSchema {
    public static final String NAME = "broker";
    public static final String PID = "org.tidegate.uplink";

    /**
     * {@code topicPrefix}: the first topic level. The outbox turns it into topics and cannot see this bundle, so
     * the value is written in {@link Topics#DEFAULT_PREFIX}; this is that constant.
     */
    public static final String DEFAULT_TOPIC_PREFIX = Topics.DEFAULT_PREFIX;
    public static final String DEFAULT_USERNAME = "";
    public static final String DEFAULT_PASSWORD = "";
    /** {@code passwordEnv}: the environment variable read when {@code password} is empty. */
    public static final String DEFAULT_PASSWORD_ENV = "TIDEGATE_MQTT_PASSWORD";
    /** {@code caFile}, {@code certFile}, {@code keyFile}: none (the JVM's trust store; no client certificate). */
    public static final String DEFAULT_FILE = "";
    /** {@code keepAliveSeconds}: MQTT keep-alive. */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
    public static final int MIN_KEEP_ALIVE_SECONDS = 5;
    public static final int MAX_KEEP_ALIVE_SECONDS = 3600;
    /** {@code reconnectMinMs}: first reconnect delay. */
    public static final long DEFAULT_RECONNECT_MIN_MS = 1000;
    public static final long MIN_RECONNECT_MIN_MS = 100;
    public static final long MAX_RECONNECT_MIN_MS = 600_000;
    /** {@code reconnectMaxMs}: cap of the reconnect delay (and not less than {@code reconnectMinMs}). */
    public static final long DEFAULT_RECONNECT_MAX_MS = 60_000;
    public static final long MIN_RECONNECT_MAX_MS = 100;
    public static final long MAX_RECONNECT_MAX_MS = 3_600_000;
    /** {@code inflight}: messages published and not yet acknowledged (PUBACK). */
    public static final int DEFAULT_INFLIGHT = 32;
    public static final int MIN_INFLIGHT = 1;
    public static final int MAX_INFLIGHT = 1000;
    /** {@code rateLimitPerSecond}: drain rate limit; 0 = unlimited. */
    public static final long DEFAULT_RATE_LIMIT_PER_SECOND = 0;
    public static final long MIN_RATE_LIMIT_PER_SECOND = 0;
    public static final long MAX_RATE_LIMIT_PER_SECOND = 1_000_000;
    /**
     * {@code maxPacketBytes}: the MQTT 5 Maximum Packet Size the uplink announces in CONNECT: a compliant broker
     * never sends it a larger packet (a command is a few hundred bytes), and a larger one that still arrives is
     * skipped unread and dropped. Also what Paho lets the uplink send (its 1.2.5 applies this limit both ways).
     */
    public static final long DEFAULT_MAX_PACKET_BYTES = 256 * 1024;
    public static final long MIN_MAX_PACKET_BYTES = 4 * 1024;
    public static final long MAX_MAX_PACKET_BYTES = 268_435_455;
    /**
     * {@code alarmReconnectMs}: while alarms wait in the queue, the cap of the reconnect delay; between attempts a
     * plain TCP probe of the broker's port decides whether to try at once.
     */
    public static final long DEFAULT_ALARM_RECONNECT_MS = 4_000;
    public static final long MIN_ALARM_RECONNECT_MS = 500;
    public static final long MAX_ALARM_RECONNECT_MS = 600_000;
    /**
     * {@code progressLogMs}: interval of the drain progress log lines. Not a gateway.json key: only a
     * configuration put straight into ConfigAdmin (tests, benchmarks) sets it; {@link #read} accepts it.
     */
    public static final long DEFAULT_PROGRESS_LOG_MS = 10_000;
    public static final long MIN_PROGRESS_LOG_MS = 1;
    public static final long MAX_PROGRESS_LOG_MS = 86_400_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public String pid() {
        return PID;
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        return settings(s, home).properties();
    }

    /**
     * The component's ConfigAdmin properties (as {@link #properties} made them, or as anyone put them into
     * ConfigAdmin; {@code gatewayId} required, {@code progressLogMs} beside the section's keys) as the session's
     * options, the password taken from {@code passwordEnv} when {@code password} is empty.
     *
     * @throws IllegalArgumentException listing every problem (missing, out of range, wrong kind, unknown key)
     */
    public static UplinkOptions read(Map<String, ?> properties) {
        return read(properties, System::getenv);
    }

    /** {@link #read(Map)} with {@code env} as the environment (for tests). */
    static UplinkOptions read(Map<String, ?> properties, UnaryOperator<String> env) {
        Read r = SectionProperties.read(PID, properties, true, (s, home) -> {
            String gatewayId = home.gatewayId();
            String idProblem = Ids.problem(gatewayId);
            if (s.child("gatewayId").present() && idProblem != null) {
                s.child("gatewayId").error("gateway id " + idProblem);
            }
            Settings settings = settings(s, home);
            long progressLogMs = s.integer("progressLogMs", MIN_PROGRESS_LOG_MS, MAX_PROGRESS_LOG_MS,
                    DEFAULT_PROGRESS_LOG_MS, false);
            return new Read(gatewayId, settings, progressLogMs);
        });
        // Only now: with problems the settings hold placeholders that the options would refuse less helpfully.
        Settings c = r.settings();
        String password = c.password();
        if (password.isEmpty() && !c.passwordEnv().isEmpty()) {
            String fromEnv = env.apply(c.passwordEnv());
            password = fromEnv == null ? "" : fromEnv;
        }
        return new UplinkOptions(r.gatewayId(), c.url(), c.topicPrefix(), c.username(), password, path(c.caFile()),
                path(c.certFile()), path(c.keyFile()), c.keepAliveSeconds(), c.reconnectMinMs(), c.reconnectMaxMs(),
                c.inflight(), c.rateLimitPerSecond(), r.progressLogMs(), c.maxPacketBytes(), c.alarmReconnectMs(), 0);
    }

    private record Read(String gatewayId, Settings settings, long progressLogMs) {
    }

    /** The section's values as checked (file paths resolved against the home; "" for none). */
    private record Settings(String url, String topicPrefix, String username, String password, String passwordEnv,
                            String caFile, String certFile, String keyFile, int keepAliveSeconds,
                            long reconnectMinMs, long reconnectMaxMs, int inflight, long rateLimitPerSecond,
                            long maxPacketBytes, long alarmReconnectMs) {
        Map<String, Object> properties() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("url", url);
            out.put("topicPrefix", topicPrefix);
            out.put("username", username);
            out.put("password", password);
            out.put("passwordEnv", passwordEnv);
            out.put("caFile", caFile);
            out.put("certFile", certFile);
            out.put("keyFile", keyFile);
            out.put("keepAliveSeconds", (long) keepAliveSeconds);
            out.put("reconnectMinMs", reconnectMinMs);
            out.put("reconnectMaxMs", reconnectMaxMs);
            out.put("inflight", (long) inflight);
            out.put("rateLimitPerSecond", rateLimitPerSecond);
            out.put("maxPacketBytes", maxPacketBytes);
            out.put("alarmReconnectMs", alarmReconnectMs);
            return out;
        }
    }

    /** Reads and checks the section; problems are recorded on {@code s} (the result is then a placeholder). */
    private static Settings settings(ConfigNode s, HomeInfo home) {
        String url = url(s);
        String prefix = s.string("topicPrefix", false, DEFAULT_TOPIC_PREFIX);
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("+")
                || prefix.contains("#") || prefix.contains("//")) {
            s.child("topicPrefix").error("\"" + prefix
                    + "\" is not a valid topic prefix (no wildcards, no leading, trailing or double /)");
        }
        String username = s.string("username", false, DEFAULT_USERNAME);
        String password = s.string("password", false, DEFAULT_PASSWORD);
        if (!password.isEmpty()) {
            s.child("password").warn("a password in gateway.json is readable by anyone who can read the file; prefer passwordEnv");
        }
        String passwordEnv = s.string("passwordEnv", false, DEFAULT_PASSWORD_ENV);
        String caFile = file(s, home, "caFile");
        String certFile = file(s, home, "certFile");
        String keyFile = file(s, home, "keyFile");
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            s.child(certFile.isEmpty() ? "certFile" : "keyFile")
                    .error("certFile and keyFile go together (a client certificate and its key)");
        }
        int keepAlive = (int) s.integer("keepAliveSeconds", MIN_KEEP_ALIVE_SECONDS, MAX_KEEP_ALIVE_SECONDS,
                DEFAULT_KEEP_ALIVE_SECONDS, false);
        long min = s.integer("reconnectMinMs", MIN_RECONNECT_MIN_MS, MAX_RECONNECT_MIN_MS, DEFAULT_RECONNECT_MIN_MS,
                false);
        long max = s.integer("reconnectMaxMs", MIN_RECONNECT_MAX_MS, MAX_RECONNECT_MAX_MS, DEFAULT_RECONNECT_MAX_MS,
                false);
        if (max < min) {
            s.child("reconnectMaxMs").error("must not be less than reconnectMinMs (" + min + ")");
        }
        int inflight = (int) s.integer("inflight", MIN_INFLIGHT, MAX_INFLIGHT, DEFAULT_INFLIGHT, false);
        long rate = s.integer("rateLimitPerSecond", MIN_RATE_LIMIT_PER_SECOND, MAX_RATE_LIMIT_PER_SECOND,
                DEFAULT_RATE_LIMIT_PER_SECOND, false);
        long maxPacket = s.integer("maxPacketBytes", MIN_MAX_PACKET_BYTES, MAX_MAX_PACKET_BYTES,
                DEFAULT_MAX_PACKET_BYTES, false);
        long alarmReconnect = s.integer("alarmReconnectMs", MIN_ALARM_RECONNECT_MS, MAX_ALARM_RECONNECT_MS,
                DEFAULT_ALARM_RECONNECT_MS, false);
        if (url.startsWith("tcp://")) {
            s.child("url").warn("plain tcp:// sends over an unencrypted link (the envelope still protects the payload); use ssl:// in the field");
        }
        return new Settings(url, prefix, username, password, passwordEnv, caFile, certFile, keyFile, keepAlive, min,
                max, inflight, rate, maxPacket, alarmReconnect);
    }

    /** A file key resolved against the home ("" for none); a file not there yet is a warning. */
    private static String file(ConfigNode s, HomeInfo home, String key) {
        String p = s.string(key, false, DEFAULT_FILE);
        String abs = home.resolve(p);
        if (!abs.isEmpty() && !Files.exists(Path.of(abs))) {
            s.child(key).warn("file " + p + " does not exist yet: install it before connecting to the broker");
        }
        return abs;
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static String url(ConfigNode s) {
        String url = s.string("url", true, "");
        if (url.isEmpty()) {
            return url;
        }
        String problem = BrokerUrl.problem(url);
        if (problem != null) {
            s.child("url").error("\"" + url + "\" " + problem);
        }
        return url;
    }
}
