package org.tidegate.console.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionProperties;
import org.tidegate.core.config.SectionSchema;

/**
 * The {@code console} section of gateway.json: the one place that knows its keys, limits and defaults
 * (docs/configuration.md and docs/console.md document them; the component reads its ConfigAdmin properties with
 * {@link #read}, so validate and run agree).
 */
public final class ConsoleSection implements SectionSchema {
    public static final String NAME = "console";
    public static final String PID = "org.tidegate.console";

    public static final boolean DEFAULT_ENABLED = true;
    public static final int DEFAULT_PORT = 8780;
    public static final long DEFAULT_SESSION_SECONDS = 1800;
    public static final long MIN_SESSION_SECONDS = 5;
    public static final long MAX_SESSION_SECONDS = 86_400;
    public static final int DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE = 5;
    public static final int MIN_LOGIN_ATTEMPTS_PER_MINUTE = 1;
    public static final int MAX_LOGIN_ATTEMPTS_PER_MINUTE = 60;
    public static final int DEFAULT_CHART_RESOLUTION_SECONDS = 5;
    public static final int MIN_CHART_RESOLUTION_SECONDS = 1;
    public static final int MAX_CHART_RESOLUTION_SECONDS = 60;
    /** At most this many configured interfaces (loopback is always there besides them). */
    public static final int MAX_INTERFACES = 8;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String pid() {
        return PID;
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        ConsoleSettings c = settings(s, home);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", c.enabled());
        out.put("port", c.port());
        out.put("interfaces", String.join(",", c.interfaces()));
        out.put("sessionSeconds", c.sessionSeconds());
        out.put("loginAttemptsPerMinute", c.loginAttemptsPerMinute());
        out.put("chartResolutionSeconds", c.chartResolutionSeconds());
        out.put("tls.certificate", c.tlsCertificate() == null ? "" : c.tlsCertificate().toString());
        out.put("tls.key", c.tlsKey() == null ? "" : c.tlsKey().toString());
        return out;
    }

    /**
     * The component's ConfigAdmin properties as typed settings.
     *
     * @throws IllegalArgumentException listing every problem
     */
    public static ConsoleSettings read(Map<String, ?> properties) {
        return SectionProperties.read(PID, properties, false, ConsoleSection::fromProperties);
    }

    /** Reads the section as written in gateway.json; problems are recorded on {@code s}. */
    static ConsoleSettings settings(ConfigNode s, HomeInfo home) {
        List<String> interfaces = new ArrayList<>();
        ConfigNode list = s.child("interfaces");
        if (list.present() && list.isArray(false, "a list of IP addresses")) {
            if (list.size() > MAX_INTERFACES) {
                list.error("at most " + MAX_INTERFACES + " addresses");
            }
            for (int i = 0; i < Math.min(list.size(), MAX_INTERFACES); i++) {
                ConfigNode e = list.element(i);
                String a = e.json().isTextual() ? e.json().asText() : null;
                String problem = addressProblem(a);
                if (problem != null) {
                    e.error(problem);
                } else if (!interfaces.contains(a)) {
                    interfaces.add(a);
                }
            }
        }
        Path cert = null;
        Path key = null;
        ConfigNode tls = s.child("tls");
        if (tls.present() && tls.isObject(false)) {
            String c = tls.string("certificate", true, "");
            String k = tls.string("key", true, "");
            if (!c.isBlank() && !k.isBlank()) {
                cert = Path.of(home.resolve(c));
                key = Path.of(home.resolve(k));
                if (!Files.isReadable(cert)) {
                    tls.child("certificate").error("cannot read " + cert
                            + " (a PEM certificate; hint: see docs/console.md, HTTPS)");
                }
                if (!Files.isReadable(key)) {
                    tls.child("key").error("cannot read " + key + " (a PEM PKCS#8 private key)");
                }
            }
        }
        return withScalars(s, home, interfaces, cert, key);
    }

    /** ConfigAdmin is flat: interfaces as a comma-separated string, tls.* as two keys. */
    private static ConsoleSettings fromProperties(ConfigNode s, HomeInfo home) {
        List<String> interfaces = new ArrayList<>();
        for (String a : s.string("interfaces", false, "").split(",")) {
            if (a.isBlank()) {
                continue;
            }
            String problem = addressProblem(a.trim());
            if (problem != null) {
                s.child("interfaces").error(problem);
            } else {
                interfaces.add(a.trim());
            }
        }
        String cert = s.string("tls.certificate", false, "");
        String key = s.string("tls.key", false, "");
        return withScalars(s, home, interfaces, cert.isBlank() ? null : Path.of(cert), key.isBlank() ? null : Path.of(key));
    }

    /** The keys gateway.json and ConfigAdmin spell alike, read once for both. */
    private static ConsoleSettings withScalars(ConfigNode s, HomeInfo home, List<String> interfaces, Path cert, Path key) {
        boolean enabled = s.bool("enabled", DEFAULT_ENABLED);
        int port = (int) s.integer("port", 1, 65_535, DEFAULT_PORT, false);
        long session = s.integer("sessionSeconds", MIN_SESSION_SECONDS, MAX_SESSION_SECONDS, DEFAULT_SESSION_SECONDS, false);
        int attempts = (int) s.integer("loginAttemptsPerMinute", MIN_LOGIN_ATTEMPTS_PER_MINUTE,
                MAX_LOGIN_ATTEMPTS_PER_MINUTE, DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE, false);
        int resolution = (int) s.integer("chartResolutionSeconds", MIN_CHART_RESOLUTION_SECONDS,
                MAX_CHART_RESOLUTION_SECONDS, DEFAULT_CHART_RESOLUTION_SECONDS, false);
        return new ConsoleSettings(home.gatewayId(), home.home(), enabled, port, interfaces, session, attempts,
                resolution, cert, key);
    }

    /** Null when {@code a} is a literal IP address of one interface; otherwise why not. */
    static String addressProblem(String a) {
        if (a == null || a.isBlank()) {
            return "must be an IP address, e.g. \"192.168.1.10\"";
        }
        if (!a.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return "\"" + a + "\" is not an IP address (host names are not accepted: the console binds addresses)";
        }
        try {
            InetAddress ia = InetAddress.getByName(a);
            if (ia.isAnyLocalAddress()) {
                return "\"" + a + "\" is the wildcard address: name the interface's own address (the console"
                        + " must stay off the public uplink)";
            }
        } catch (UnknownHostException e) {
            return "\"" + a + "\" is not an IP address";
        }
        return null;
    }
}
