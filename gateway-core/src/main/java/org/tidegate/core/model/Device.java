package org.tidegate.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A device instance as the gateway runs it: the device file merged with its profile.
 *
 * @param id           device id, {@code [A-Za-z0-9._-]{1,64}}; also the last MQTT topic level
 * @param profile      the profile id it was built from
 * @param protocol     driver protocol: {@code modbus}, {@code gpio}, {@code serial}, or a test protocol
 * @param connection   protocol-specific connection settings (transport, host, port, unit, serial line, ...)
 * @param pollInterval time between poll starts
 * @param timeout      per-request timeout
 * @param retries      extra attempts after a failed request
 * @param channels     the device's channels, ids unique
 * @param options      profile-level extras (e.g. Modbus block merging limits); being replaced by {@code settings}
 * @param settings     the driver's typed settings of this device (made by its {@code DriverSchema})
 */
// Maps keep their configured order so that the JSON form is stable (ConfigAdmin compares it).
public record Device(
        String id,
        String profile,
        String protocol,
        Map<String, Object> connection,
        Duration pollInterval,
        Duration timeout,
        int retries,
        List<Channel> channels,
        Map<String, Object> options,
        DeviceSettings settings) {

    public Device {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        profile = profile == null ? "" : profile;
        connection = connection == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(connection));
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
        channels = List.copyOf(channels);
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
        settings = settings == null ? DeviceSettings.NONE : settings;
    }

    public Device(String id, String profile, String protocol, Map<String, Object> connection, Duration pollInterval,
                  Duration timeout, int retries, List<Channel> channels, Map<String, Object> options) {
        this(id, profile, protocol, connection, pollInterval, timeout, retries, channels, options, DeviceSettings.NONE);
    }

    /** A device as its driver's schema made it: typed settings, no untyped maps. */
    public Device(String id, String profile, String protocol, Duration pollInterval, Duration timeout, int retries,
                  List<Channel> channels, DeviceSettings settings) {
        this(id, profile, protocol, Map.of(), pollInterval, timeout, retries, channels, Map.of(), settings);
    }

    /** The driver's settings, of the type its schema makes. */
    public <T extends DeviceSettings> T settings(Class<T> type) {
        if (!type.isInstance(settings)) {
            throw new IllegalArgumentException("device " + id + ": settings are " + settings.getClass().getName()
                    + ", not " + type.getName() + " (was it decoded by another protocol's schema?)");
        }
        return type.cast(settings);
    }

    public Optional<Channel> channel(String channelId) {
        return channels.stream().filter(c -> c.id().equals(channelId)).findFirst();
    }

    public String connectionString(String key, String fallback) {
        Object v = connection.get(key);
        return v == null ? fallback : v.toString();
    }

    public int connectionInt(String key, int fallback) {
        return connection.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    public long optionLong(String key, long fallback) {
        return options.get(key) instanceof Number n ? n.longValue() : fallback;
    }
}
