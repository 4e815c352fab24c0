package org.tidegate.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.core.model.Ids;

/**
 * The generic part of a device and its channels, around the driver's {@link DriverSchema}. It reads a
 * <em>resolved</em> device document, i.e. a device with its profile's channels merged in:
 * <pre>
 * {"id":"wl-001", "profile":"radar-level", "protocol":"modbus", "pollIntervalMs":1000, "timeoutMs":300,
 *  "retries":1, "connection":{...}, "options":{...},
 *  "channels":[{"id":"level", "scale":0.001, "unit":"m", "rules":{...}, ...driver keys...}]}
 * </pre>
 * The config bundle builds that document from the files and checks it with this class; the device component
 * receives the same document through ConfigAdmin and decodes it with this class and the same driver schema.
 */
public final class DeviceSchema {
    public static final long DEFAULT_POLL_INTERVAL_MS = 1000;
    public static final long DEFAULT_TIMEOUT_MS = 1000;
    public static final int DEFAULT_RETRIES = 1;

    private DeviceSchema() {
    }

    /**
     * Reads one resolved device; problems are recorded on the nodes (unknown keys are reported by the
     * caller's {@link ConfigNode#reportUnknownKeys()}, after every other schema has read its part).
     *
     * @return the device; meaningless if problems were recorded
     */
    public static Device read(ConfigNode d, DriverSchema driver) {
        Timing t = common(d);
        String protocol = d.string("protocol", true, driver.protocol());
        if (!protocol.equals(driver.protocol())) {
            d.child("protocol").error("\"" + protocol + "\" is decoded here with the " + driver.protocol() + " schema");
        }
        ConfigNode connection = d.child("connection");
        connection.isObject(driver.connectionRequired());
        ConfigNode options = d.child("options");
        options.isObject(false);
        DeviceSettings settings = driver.device(connection, options);
        List<Channel> channels = channels(d.child("channels"), driver, settings);
        return new Device(t.id, t.profile, protocol, Duration.ofMillis(t.interval), Duration.ofMillis(t.timeout),
                (int) t.retries, channels, settings);
    }

    /**
     * Checks what can be checked of a device whose protocol has no schema here (or whose profile is missing):
     * its generic keys; {@code protocol}, {@code connection}, {@code options} and {@code channels} are left alone.
     */
    public static void readWithoutDriver(ConfigNode d) {
        common(d);
        d.known("protocol", "connection", "options", "channels");
    }

    private record Timing(String id, String profile, long interval, long timeout, long retries) {
    }

    private static Timing common(ConfigNode d) {
        String id = d.string("id", true, "");
        if (d.child("id").present() && Ids.problem(id) != null) {
            d.child("id").error("device id " + Ids.problem(id));
        }
        String profile = d.string("profile", false, "");
        d.known("description", "enabled", "vendor", "model");
        long interval = d.integer("pollIntervalMs", 50, 86_400_000, DEFAULT_POLL_INTERVAL_MS, false);
        long timeout = d.integer("timeoutMs", 10, 60_000, DEFAULT_TIMEOUT_MS, false);
        long retries = d.integer("retries", 0, 10, DEFAULT_RETRIES, false);
        // One request outlasting a tick is worth a warning; a dead device's retries outlasting it are not (the
        // defaults, 1000 ms with 1 retry at 1000 ms, would warn for every device): those ticks are skipped and
        // counted (skippedTicks in the status).
        if (timeout > interval) {
            d.child("timeoutMs").warn("timeoutMs " + timeout + " exceeds pollIntervalMs " + interval
                    + ": one unanswered request outlasts a poll tick; a device that stops answering skips ticks"
                    + " (counted as skippedTicks); hint: timeoutMs at most pollIntervalMs");
        }
        return new Timing(id, profile, interval, timeout, retries);
    }

    /**
     * Reads a profile on its own ({@code options} and {@code channels}; no device keys, no connection), so
     * that a profile's problems are found even while no device uses it.
     *
     * @return the profile's channels; meaningless if problems were recorded
     */
    public static List<Channel> readProfile(ConfigNode profile, DriverSchema driver) {
        ConfigNode options = profile.child("options");
        options.isObject(false);
        // A detached absent node: a profile has no connection, and asking for one would make it a known key.
        ConfigNode noConnection = ConfigNode.at(profile.file(), profile.path() + ".connection", null, profile.problems());
        DeviceSettings settings = driver.device(noConnection, options);
        return channels(profile.child("channels"), driver, settings);
    }

    /**
     * Decodes a resolved device document completely (unknown keys included), for a component that receives it
     * through ConfigAdmin.
     *
     * @throws IllegalArgumentException listing every problem, if there is any
     */
    public static Device decode(String file, String json, DriverSchema driver) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse(file, json, problems);
        Device device = null;
        if (root.isObject(true)) {
            device = read(root, driver);
            root.reportUnknownKeys();
        }
        if (problems.errorCount() > 0) {
            throw new IllegalArgumentException(problems.describeErrors());
        }
        return device;
    }

    private static List<Channel> channels(ConfigNode arr, DriverSchema driver, DeviceSettings settings) {
        List<Channel> out = new ArrayList<>();
        if (!arr.isArray(true, "a non-empty array of channels")) {
            return out;
        }
        if (arr.size() == 0) {
            arr.error("must be a non-empty array of channels");
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            ConfigNode c = arr.element(i);
            if (!c.isObject(true)) {
                continue;
            }
            String id = c.string("id", true, "");
            if (c.child("id").present() && Ids.problem(id) != null) {
                c.child("id").error("channel id " + Ids.problem(id));
            }
            Integer prev = seen.putIfAbsent(id, i);
            if (prev != null && !id.isEmpty()) {
                c.child("id").error("channel id \"" + id + "\" is already used by channels[" + prev + "]");
            }
            double scale = c.number("scale", 1.0);
            if (scale == 0.0) {
                c.child("scale").error("must not be 0");
                scale = 1.0;
            }
            double offset = c.number("offset", 0.0);
            String unit = c.string("unit", false, "");
            c.known("description");
            ConfigNode rules = c.child("rules");
            ChannelSpec spec = driver.channel(c, settings);
            ConfigNode address = c.child("address");
            if (address.present() && address.json().isTextual() && address.json().asText().isBlank()) {
                address.error("must not be empty");
            }
            out.add(new Channel(id, spec.address(), spec.type(), spec.byteOrder(), spec.wordOrder(), spec.length(),
                    scale, offset, unit, spec.access(), spec.settings(), rules.toJsonText()));
        }
        driver.checkChannels(settings, out, arr);
        return out;
    }
}
