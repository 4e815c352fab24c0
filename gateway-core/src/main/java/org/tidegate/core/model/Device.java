package org.tidegate.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A device instance as the gateway runs it: the device file merged with its profile, decoded by its driver's
 * configuration schema ({@code org.tidegate.core.config.DeviceSchema}).
 *
 * @param id           device id, {@code [A-Za-z0-9._-]{1,64}}; also the last MQTT topic level
 * @param profile      the profile id it was built from ("" for a device with inline channels)
 * @param protocol     driver protocol, e.g. {@code modbus}, {@code gpio}
 * @param pollInterval time between poll starts
 * @param timeout      per-request timeout
 * @param retries      extra attempts after a failed request
 * @param channels     the device's channels, ids unique
 * @param settings     the driver's typed settings of this device: its connection and device options
 */
public record Device(
        String id,
        String profile,
        String protocol,
        Duration pollInterval,
        Duration timeout,
        int retries,
        List<Channel> channels,
        DeviceSettings settings) {

    public Device {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        profile = profile == null ? "" : profile;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
        channels = List.copyOf(channels);
        settings = settings == null ? DeviceSettings.NONE : settings;
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
}
