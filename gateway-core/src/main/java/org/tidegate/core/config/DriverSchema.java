package org.tidegate.core.config;

import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.model.DeviceSettings;

/**
 * The configuration a field driver understands, provided by the driver's bundle next to its
 * {@link org.tidegate.core.driver.FieldDriver} (listed in {@code META-INF/services/org.tidegate.core.config.DriverSchema}).
 * A protocol is accepted in a home exactly when some bundle provides its schema, and a bundle provides a
 * schema only with a driver that serves it.
 *
 * <p>{@link DeviceSchema} reads the generic keys of a device (id, timing, channels' id, scale, offset, unit,
 * description, rules) and hands the rest to this schema. Every key the schema asks a {@link ConfigNode} for
 * is known; everything else in the objects it looked into is reported as unknown. Problems are recorded on
 * the nodes; the return values are then placeholders and are not used.
 *
 * <p>Example: a device {@code {"protocol":"modbus","connection":{"transport":"tcp","host":"10.0.0.5"},
 * "channels":[{"id":"level","address":"hr:0","type":"float32","scale":0.01}]}}: this schema reads
 * {@code connection}, {@code options} and, per channel, {@code address}, {@code type}, {@code access} and its
 * own keys; {@code DeviceSchema} reads {@code id}, {@code scale} and the rest.
 */
@ConsumerType
public interface DriverSchema {

    /** The protocol name, as in a profile's {@code "protocol"} and the driver's {@code tidegate.protocol}. */
    String protocol();

    /** Whether a device of this protocol must have a {@code connection} object. */
    default boolean connectionRequired() {
        return true;
    }

    /**
     * The device-level settings.
     *
     * @param connection the device's {@code connection} object (may be absent)
     * @param options    the profile's or device's {@code options} object (may be absent)
     */
    DeviceSettings device(ConfigNode connection, ConfigNode options);

    /**
     * One channel's driver keys: its address, data type, access and the driver's own settings.
     *
     * @param channel the channel object (the generic keys are read by {@link DeviceSchema})
     * @param device  what {@link #device} returned for this device
     */
    ChannelSpec channel(ConfigNode channel, DeviceSettings device);

    /**
     * Checks across the channels of one device (e.g. channels sharing a line must agree), after every
     * channel was read; record problems on {@code channels}' elements. Default: none.
     */
    default void checkChannels(DeviceSettings device, java.util.List<org.tidegate.core.model.Channel> channels,
                               ConfigNode channelsNode) {
    }
}
