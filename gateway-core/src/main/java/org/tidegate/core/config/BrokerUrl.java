package org.tidegate.core.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The one rule for a broker URL in {@code gateway.json}, shared by provisioning (the command and the console's
 * form), {@code validate} and {@code run}, so that provisioning never writes a URL the gateway then refuses.
 * Lower-case {@code tcp://} or {@code ssl://}, a host and a port: the schemes the uplink's MQTT session opens.
 */
public final class BrokerUrl {
    private BrokerUrl() {
    }

    /** Null when {@code url} is a broker URL the gateway accepts; otherwise why not, e.g. {@code must start with tcp:// or ssl://}. */
    public static String problem(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme();
            if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
                return "must start with tcp:// or ssl://"
                        + (scheme.equalsIgnoreCase("mqtt") || scheme.equalsIgnoreCase("tcp") ? " (write tcp:// for MQTT over TCP)"
                        : scheme.equalsIgnoreCase("mqtts") || scheme.equalsIgnoreCase("ssl") ? " (write ssl:// for MQTT over TLS)"
                        : scheme.toLowerCase(java.util.Locale.ROOT).startsWith("ws") ? " (MQTT over WebSocket is not supported)" : "");
            }
            if (u.getHost() == null || u.getPort() < 1) {
                return "needs a host and a port, e.g. ssl://mqtt.example.cn:8883";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a URL: " + e.getReason();
        }
    }
}
