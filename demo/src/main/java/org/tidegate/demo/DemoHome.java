package org.tidegate.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.GeneralSecurityException;
import org.tidegate.config.Examples;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;

/**
 * Writes a complete gateway home for the reference site against local simulators and a local broker:
 * freshly generated gateway and cloud identities, the riverside profiles, and device files with the
 * site's edge rules (warning line 3.50 m switches the siren, danger line 4.20 m, rising 0.3 m in 10 min,
 * smoke switches the siren, hourly and daily rainfall). Used by {@code tidegate demo} and the gateway benchmark.
 */
public final class DemoHome {
    public static final String GATEWAY_ID = "gw-demo-01";
    public static final String CLOUD_ID = "cloud";

    private final Path home;
    private final PrivateKey cloudKey;
    private final PublicKey gatewayPublic;
    private final double speed;

    private DemoHome(Path home, PrivateKey cloudKey, PublicKey gatewayPublic, double speed) {
        this.home = home;
        this.cloudKey = cloudKey;
        this.gatewayPublic = gatewayPublic;
        this.speed = speed;
    }

    public Path home() {
        return home;
    }

    /** The cloud's private key: the receiver opens telemetry with it. */
    public PrivateKey cloudKey() {
        return cloudKey;
    }

    public PublicKey gatewayPublicKey() {
        return gatewayPublic;
    }

    /** Writes identity, gateway.json and profiles for a site running in real time; add devices with the other methods. */
    public static DemoHome create(Path home, String brokerUrl) throws IOException, GeneralSecurityException {
        return create(home, brokerUrl, 1);
    }

    /**
     * As {@link #create(Path, String)}, for simulators whose clock runs {@code speed} times faster than real time
     * (the demo's {@code --speed}). The gateway measures rule windows on its own, real clock, so the site's
     * time-based rules are written in real time: see {@link #waterLevel}.
     */
    public static DemoHome create(Path home, String brokerUrl, double speed) throws IOException, GeneralSecurityException {
        for (String d : new String[] {"profiles", "devices", "keys", "data", "cloud/trust"}) {
            Files.createDirectories(home.resolve(d));
        }
        KeyPair gateway = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        PemKeys.writePrivateKey(home.resolve("keys/gateway.key.pem"), gateway.getPrivate(), true);
        PemKeys.writePublicKey(home.resolve("keys/gateway.pub.pem"), gateway.getPublic(), true);
        PemKeys.writePublicKey(home.resolve("keys/cloud.pub.pem"), cloud.getPublic(), true);
        // The cloud side's files, as `tidegate receive --key cloud/cloud.key.pem --trust cloud/trust` expects them.
        PemKeys.writePrivateKey(home.resolve("cloud/cloud.key.pem"), cloud.getPrivate(), true);
        PemKeys.writePublicKey(home.resolve("cloud/trust/" + GATEWAY_ID + ".pub.pem"), gateway.getPublic(), true);
        Files.writeString(home.resolve("gateway.json"), """
                {
                  "id": "%s",
                  "site": "demo: simulated riverside pumping station",
                  "broker": { "url": "%s", "reconnectMinMs": 500, "reconnectMaxMs": 5000 },
                  "security": { "cloudId": "%s" },
                  "store": { "path": "data/queue.db" },
                  "telemetry": { "batchPolls": 1 }
                }
                """.formatted(GATEWAY_ID, brokerUrl, CLOUD_ID));
        for (String p : new String[] {"radar-level", "power-meter-3p", "smoke-detector", "siren-relay"}) {
            Files.writeString(home.resolve("profiles/" + p + ".json"), Examples.file("riverside", "profiles/" + p + ".json"));
        }
        return new DemoHome(home, cloud.getPrivate(), gateway.getPublic(), speed);
    }

    /**
     * The radar level sensor (simulator unit 1) with the site's level rules. The rate-of-change rule watches 10
     * simulated minutes: on the gateway's real clock that is 600 000 ms / speed (2 s at the demo's 300x; a real-time
     * 10-minute window would still hold the flood's rise minutes after the river receded, so the alarm never
     * cleared). It is widened by one and a half polls: the rule compares samples, and at 300x a poll every second is
     * one every 5 simulated minutes, so a window of exactly 10 minutes would often hold samples only 5 minutes apart
     * and, as the flood rises at exactly the rule's 0.3 m per 10 minutes, sit on the limit.
     */
    public DemoHome waterLevel(String id, String host, int port, int pollMs) throws IOException {
        long windowMs = Math.round(600_000 / speed + 1.5 * pollMs);
        write(id, """
                { "id": "%s", "profile": "radar-level", "pollIntervalMs": %d, "timeoutMs": 300, "retries": 1,
                  "connection": { "transport": "tcp", "host": "%s", "port": %d, "unit": 1 },
                  "channels": { "level": { "rules": {
                      "deadband": 0.02, "maxSilentMs": 30000,
                      "thresholds": [
                        { "event": "level_warning", "above": 3.50, "hysteresis": 0.05, "severity": "warning",
                          "actions": [ { "device": "siren-01", "channel": "siren", "value": true } ] },
                        { "event": "level_danger", "above": 4.20, "hysteresis": 0.05, "severity": "critical",
                          "actions": [ { "device": "siren-01", "channel": "siren", "value": true } ] } ],
                      "rateOfChange": [
                        { "event": "level_rising_fast", "rise": 0.3, "windowMs": %d, "severity": "warning" } ] } } } }
                """.formatted(id, pollMs, host, port, windowMs));
        return this;
    }

    /** The three-phase power meter (simulator unit 2). */
    public DemoHome powerMeter(String id, String host, int port, int pollMs) throws IOException {
        write(id, """
                { "id": "%s", "profile": "power-meter-3p", "pollIntervalMs": %d, "timeoutMs": 300, "retries": 1,
                  "connection": { "transport": "tcp", "host": "%s", "port": %d, "unit": 2 } }
                """.formatted(id, pollMs, host, port));
        return this;
    }

    /** The tipping-bucket rain gauge on the simulator's Modbus pulse counter (unit 3). */
    public DemoHome rainGauge(String id, String host, int port, int pollMs) throws IOException {
        write(id, """
                { "id": "%s", "protocol": "modbus", "pollIntervalMs": %d, "timeoutMs": 300, "retries": 1,
                  "connection": { "transport": "tcp", "host": "%s", "port": %d, "unit": 3 },
                  "channels": [
                    { "id": "tips", "address": "hr:0", "type": "uint32" },
                    { "id": "rain_total", "address": "hr:3", "type": "float32", "unit": "mm",
                      "rules": { "accumulate": { "hourly": true, "daily": true } } },
                    { "id": "intensity", "address": "hr:5", "type": "uint16", "scale": 0.1, "unit": "mm/h" } ] }
                """.formatted(id, pollMs, host, port));
        return this;
    }

    /** Smoke detector and siren relay on mock GPIO: smoke switches the siren on. */
    public DemoHome smokeAndSiren() throws IOException {
        write("smoke-01", """
                { "id": "smoke-01", "profile": "smoke-detector", "pollIntervalMs": 1000, "timeoutMs": 100, "retries": 0,
                  "connection": { "transport": "gpio", "provider": "mock" },
                  "channels": { "smoke": { "rules": { "deadband": 0, "maxSilentMs": 30000, "thresholds": [
                      { "event": "smoke", "whenTrue": true, "severity": "critical",
                        "actions": [ { "device": "siren-01", "channel": "siren", "value": true } ] } ] } } } }
                """);
        write("siren-01", """
                { "id": "siren-01", "profile": "siren-relay", "pollIntervalMs": 1000, "timeoutMs": 100, "retries": 0,
                  "connection": { "transport": "gpio", "provider": "mock" },
                  "channels": { "siren": { "rules": { "deadband": 0, "maxSilentMs": 30000 } } } }
                """);
        return this;
    }

    /**
     * A DL/T 645-2007 meter on a serial port (e.g. a socat pty to {@code tidegate simulate --dlt645-port}): total
     * active power, the phase voltages (read as block 0201FF00) and forward active energy.
     */
    public DemoHome dlt645Meter(String id, String port, String parity, String address, int pollMs) throws IOException {
        write(id, """
                { "id": "%s", "protocol": "dlt645", "pollIntervalMs": %d, "timeoutMs": 500, "retries": 1,
                  "connection": { "port": "%s", "parity": "%s", "address": "%s" },
                  "channels": [
                    { "id": "power", "address": "02030000", "format": "XX.XXXX", "unit": "kW" },
                    { "id": "voltageA", "address": "02010100", "format": "XXX.X", "unit": "V" },
                    { "id": "voltageB", "address": "02010200", "format": "XXX.X", "unit": "V" },
                    { "id": "voltageC", "address": "02010300", "format": "XXX.X", "unit": "V" },
                    { "id": "energy", "address": "00010000", "format": "XXXXXX.XX", "unit": "kWh" } ] }
                """.formatted(id, pollMs, port, parity, address));
        return this;
    }

    /**
     * An SL 651-2014 water-level and rain station reporting to this gateway over TCP on {@code listenPort}
     * (centre 5, password 03E8, as {@code tidegate simulate --sl651-tcp} sends).
     */
    public DemoHome sl651Station(String id, int listenPort, String station) throws IOException {
        write(id, """
                { "id": "%s", "protocol": "sl651", "pollIntervalMs": 1000, "timeoutMs": 500, "retries": 0,
                  "connection": { "transport": "tcp", "bind": "127.0.0.1", "listenPort": %d, "station": "%s",
                                  "centre": 5, "password": "03E8", "reportTimeoutSeconds": 600 },
                  "channels": [
                    { "id": "level", "address": "39", "unit": "m" },
                    { "id": "rain_day", "address": "1F", "unit": "mm" },
                    { "id": "voltage", "address": "38", "unit": "V" } ] }
                """.formatted(id, listenPort, station));
        return this;
    }

    private void write(String id, String json) throws IOException {
        Files.writeString(home.resolve("devices/" + id + ".json"), json);
    }
}
