package org.tidegate.core.pipeline;

import org.osgi.annotation.versioning.ProviderType;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.model.Device;

/**
 * A running device, registered as a service (property {@value #DEVICE_ID_PROPERTY}) by each device
 * component: status reporting reads its health, commands and local actions write its channels.
 */
@ProviderType
public interface GatewayDevice {

    String DEVICE_ID_PROPERTY = "tidegate.device.id";

    Device device();

    DeviceHealth health();

    /**
     * Writes an engineering value to a writable channel (scale and offset are undone first).
     * Serialised with the device's polls.
     */
    ChannelReading write(String channelId, Object value);
}
