package org.tidegate.uplink.mqtt;

import java.nio.file.Path;
import org.tidegate.outbox.Topics;
import org.tidegate.uplink.internal.BrokerSection;

/**
 * The broker section of gateway.json (PID {@code org.tidegate.uplink}) as the MQTT session uses it. The section's
 * schema ({@code org.tidegate.uplink.internal.BrokerSection}) makes it from a configuration and holds the defaults
 * and the configuration's limits; the checks here are only what the session itself cannot work without (tests and
 * benchmarks build options directly, with shorter timings than a configuration may have).
 *
 * @param gatewayId          also the MQTT client id
 * @param brokerUrl          {@code tcp://host:port} (lab only) or {@code ssl://host:port}
 * @param topicPrefix        the first topic level
 * @param username           empty for none
 * @param password           the resolved password (from the file or the environment variable), never logged
 * @param caFile             PEM CA certificate(s) that sign the broker's certificate; null: the JVM's trust store
 * @param certFile           optional PEM client certificate (chain)
 * @param keyFile            its PEM private key (PKCS#8, or PKCS#1/SEC1 as openssl writes them)
 * @param keepAliveSeconds   MQTT keep-alive
 * @param reconnectMinMs     first reconnect delay
 * @param reconnectMaxMs     cap of the reconnect delay; also the delay after a refusal (bad credentials, TLS)
 * @param inflight           window: messages published and not yet acknowledged (PUBACK)
 * @param rateLimitPerSecond messages per second while draining; 0 for no limit
 * @param progressLogMs      interval of the drain progress log lines
 * @param maxPacketBytes     Maximum Packet Size announced to the broker; larger command frames are dropped unread
 * @param alarmReconnectMs   while alarms wait, the cap of the reconnect delay (a TCP probe each step)
 * @param ackTimeoutMs       no PUBACK for this long with messages in flight drops the connection; 0: derived
 *                           from the keep-alive (twice it, at least 20 s)
 */
public record UplinkOptions(String gatewayId, String brokerUrl, String topicPrefix, String username, String password,
                            Path caFile, Path certFile, Path keyFile, int keepAliveSeconds, long reconnectMinMs,
                            long reconnectMaxMs, int inflight, double rateLimitPerSecond, long progressLogMs,
                            long maxPacketBytes, long alarmReconnectMs, long ackTimeoutMs) {

    public UplinkOptions {
        topics(topicPrefix, gatewayId); // validates both
        if (brokerUrl == null || !(brokerUrl.startsWith("tcp://") || brokerUrl.startsWith("ssl://"))) {
            throw new IllegalArgumentException("broker url must start with tcp:// or ssl://, got \"" + brokerUrl + "\"");
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (keepAliveSeconds < 0) {
            throw new IllegalArgumentException("keepAliveSeconds must be >= 0");
        }
        if (reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("need 1 <= reconnectMinMs <= reconnectMaxMs, got " + reconnectMinMs
                    + " and " + reconnectMaxMs);
        }
        if (inflight < 1 || inflight > 65000) {
            throw new IllegalArgumentException("inflight must be 1 … 65000, got " + inflight);
        }
        if (rateLimitPerSecond < 0) {
            throw new IllegalArgumentException("rateLimitPerSecond must be >= 0");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("certFile and keyFile go together");
        }
        progressLogMs = progressLogMs <= 0 ? BrokerSection.DEFAULT_PROGRESS_LOG_MS : progressLogMs;
        if (maxPacketBytes < 1024 || maxPacketBytes > 268_435_455) {
            throw new IllegalArgumentException("maxPacketBytes must be 1024 … 268435455, got " + maxPacketBytes);
        }
        if (alarmReconnectMs < 1) {
            throw new IllegalArgumentException("alarmReconnectMs must be >= 1");
        }
        ackTimeoutMs = ackTimeoutMs <= 0 ? Math.max(20_000L, 2_000L * keepAliveSeconds) : ackTimeoutMs;
    }

    /** The gateway.json defaults for this gateway and broker. */
    public static UplinkOptions defaults(String gatewayId, String brokerUrl) {
        return new UplinkOptions(gatewayId, brokerUrl, BrokerSection.DEFAULT_TOPIC_PREFIX,
                BrokerSection.DEFAULT_USERNAME, BrokerSection.DEFAULT_PASSWORD, null, null, null,
                BrokerSection.DEFAULT_KEEP_ALIVE_SECONDS, BrokerSection.DEFAULT_RECONNECT_MIN_MS,
                BrokerSection.DEFAULT_RECONNECT_MAX_MS, BrokerSection.DEFAULT_INFLIGHT,
                BrokerSection.DEFAULT_RATE_LIMIT_PER_SECOND, BrokerSection.DEFAULT_PROGRESS_LOG_MS,
                BrokerSection.DEFAULT_MAX_PACKET_BYTES, BrokerSection.DEFAULT_ALARM_RECONNECT_MS, 0);
    }

    public Topics topics() {
        return topics(topicPrefix, gatewayId);
    }

    private static Topics topics(String prefix, String gatewayId) {
        return new Topics(prefix, gatewayId);
    }

    public boolean tls() {
        return brokerUrl.startsWith("ssl://");
    }

    public UplinkOptions withBroker(String url) {
        return new UplinkOptions(gatewayId, url, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withPrefix(String prefix) {
        return new UplinkOptions(gatewayId, brokerUrl, prefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withCredentials(String user, String pass) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, user, pass, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withTls(Path ca, Path cert, Path key) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, ca, cert, key,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withReconnect(long minMs, long maxMs) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, minMs, maxMs, inflight, rateLimitPerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withKeepAlive(int seconds) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                seconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withFlow(int window, double ratePerSecond) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, window, ratePerSecond, progressLogMs, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withProgressLog(long ms) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, ms, maxPacketBytes, alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withMaxPacketBytes(long bytes) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs, bytes,
                alarmReconnectMs, ackTimeoutMs);
    }

    public UplinkOptions withAlarmReconnect(long ms) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs,
                maxPacketBytes, ms, ackTimeoutMs);
    }

    public UplinkOptions withAckTimeout(long ms) {
        return new UplinkOptions(gatewayId, brokerUrl, topicPrefix, username, password, caFile, certFile, keyFile,
                keepAliveSeconds, reconnectMinMs, reconnectMaxMs, inflight, rateLimitPerSecond, progressLogMs,
                maxPacketBytes, alarmReconnectMs, ms);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "UplinkOptions[gateway=" + gatewayId + ", broker=" + brokerUrl + ", prefix=" + topicPrefix
                + ", user=" + (username.isEmpty() ? "(none)" : username)
                + ", password=" + (password.isEmpty() ? "(none)" : "(set)")
                + ", ca=" + caFile + ", cert=" + certFile + ", keepAlive=" + keepAliveSeconds + "s, reconnect="
                + reconnectMinMs + "…" + reconnectMaxMs + "ms, inflight=" + inflight + ", rate="
                + (rateLimitPerSecond == 0 ? "unlimited" : rateLimitPerSecond + "/s") + ", maxPacket=" + maxPacketBytes
                + ", alarmReconnect=" + alarmReconnectMs + "ms, ackTimeout=" + ackTimeoutMs + "ms]";
    }
}
