package org.tidegate.console.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code console} section of gateway.json, typed ({@link ConsoleSection} reads and checks it).
 *
 * @param gatewayId            the gateway's id
 * @param home                 the gateway home directory
 * @param enabled              whether the console runs at all
 * @param port                 TCP port on every address it listens on
 * @param interfaces           addresses to listen on besides loopback (127.0.0.1), never a wildcard
 * @param sessionSeconds       how long a login lasts without a request (at most 12 h in all)
 * @param loginAttemptsPerMinute login attempts accepted a minute (all sources together); more are refused
 * @param chartResolutionSeconds width of one point of the charts' in-memory ring (one hour is kept)
 * @param tlsCertificate       PEM certificate (chain) for HTTPS, or null for plain HTTP
 * @param tlsKey               PEM PKCS#8 private key of that certificate, or null
 */
public record ConsoleSettings(String gatewayId, Path home, boolean enabled, int port, List<String> interfaces,
                              long sessionSeconds, int loginAttemptsPerMinute, int chartResolutionSeconds,
                              Path tlsCertificate, Path tlsKey) {
    public ConsoleSettings {
        interfaces = List.copyOf(interfaces);
    }

    public boolean https() {
        return tlsCertificate != null;
    }
}
