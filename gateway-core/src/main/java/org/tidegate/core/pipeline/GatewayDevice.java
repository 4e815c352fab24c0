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

    /**
     * Reads one readable channel now, outside the poll schedule (serialised with the polls); the reading is not
     * sent as telemetry. Remote management's {@code device.read}.
     *
     * @throws IllegalArgumentException if the device has no such readable channel
     */
    default ChannelReading readNow(String channelId) {
        throw new UnsupportedOperationException("this device cannot be read on demand");
    }
}
