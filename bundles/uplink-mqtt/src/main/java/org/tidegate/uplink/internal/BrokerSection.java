package org.tidegate.uplink.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionSchema;

/** The {@code broker} section of gateway.json: how the uplink reaches the city platform's MQTT broker. */
public final class BrokerSection implements SectionSchema {

    @Override
    public String name() {
        return "broker";
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public String pid() {
        return "org.tidegate.uplink";
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        Map<String, Object> out = new LinkedHashMap<>();
        String url = url(s);
        out.put("url", url);
        String prefix = s.string("topicPrefix", false, "tidegate");
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("+")
                || prefix.contains("#") || prefix.contains("//")) {
            s.child("topicPrefix").error("\"" + prefix
                    + "\" is not a valid topic prefix (no wildcards, no leading, trailing or double /)");
        }
        out.put("topicPrefix", prefix);
        out.put("username", s.string("username", false, ""));
        String password = s.string("password", false, "");
        if (!password.isEmpty()) {
            s.child("password").warn("a password in gateway.json is readable by anyone who can read the file; prefer passwordEnv");
        }
        out.put("password", password);
        out.put("passwordEnv", s.string("passwordEnv", false, "TIDEGATE_MQTT_PASSWORD"));
        for (String key : new String[] {"caFile", "certFile", "keyFile"}) {
            String p = s.string(key, false, "");
            String abs = home.resolve(p);
            if (!abs.isEmpty() && !Files.exists(Path.of(abs))) {
                s.child(key).warn("file " + p + " does not exist yet: install it before connecting to the broker");
            }
            out.put(key, abs);
        }
        out.put("keepAliveSeconds", s.integer("keepAliveSeconds", 5, 3600, 30, false));
        long min = s.integer("reconnectMinMs", 100, 600_000, 1000, false);
        long max = s.integer("reconnectMaxMs", 100, 3_600_000, 60_000, false);
        if (max < min) {
            s.child("reconnectMaxMs").error("must not be less than reconnectMinMs (" + min + ")");
        }
        out.put("reconnectMinMs", min);
        out.put("reconnectMaxMs", max);
        out.put("inflight", s.integer("inflight", 1, 1000, 32, false));
        out.put("rateLimitPerSecond", s.integer("rateLimitPerSecond", 0, 1_000_000, 0, false));
        if (url.startsWith("tcp://")) {
            s.child("url").warn("plain tcp:// sends over an unencrypted link (the envelope still protects the payload); use ssl:// in the field");
        }
        return out;
    }

    private static String url(ConfigNode s) {
        String url = s.string("url", true, "");
        if (url.isEmpty()) {
            return url;
        }
        ConfigNode v = s.child("url");
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
                v.error("\"" + url + "\" must start with tcp:// or ssl://");
            } else if (u.getHost() == null || u.getPort() < 1) {
                v.error("\"" + url + "\" needs a host and a port, e.g. ssl://mqtt.example.cn:8883");
            }
        } catch (URISyntaxException e) {
            v.error("\"" + url + "\" is not a URL: " + e.getReason());
        }
        return url;
    }
}
