package org.tidegate.tests.probe;

import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DeviceSettings;

/**
 * The configuration of protocol {@code memory}, a test driver defined outside the gateway's own modules:
 * it proves that a protocol comes with its schema and needs no change to the config bundle. A channel has an
 * {@code address} (any text), a {@code type}, and optionally {@code access}; a device may give
 * {@code connection.startAt} (the first value read).
 */
public final class ProbeDriverSchema implements DriverSchema {

    /** What a memory device is configured with. */
    public record ProbeSettings(long startAt) implements DeviceSettings {
    }

    @Override
    public String protocol() {
        return "memory";
    }

    @Override
    public boolean connectionRequired() {
        return false;
    }

    @Override
    public DeviceSettings device(ConfigNode connection, ConfigNode options) {
        options.isObject(false);
        return new ProbeSettings(connection.integer("startAt", 0, Long.MAX_VALUE, 0, false));
    }

    @Override
    public ChannelSpec channel(ConfigNode channel, DeviceSettings device) {
        String address = channel.string("address", true, "");
        Access access = CommonKeys.access(channel);
        return new ChannelSpec(address, CommonKeys.dataType(channel, null), null, null, 0,
                access == null ? Access.READ : access, null);
    }
}
