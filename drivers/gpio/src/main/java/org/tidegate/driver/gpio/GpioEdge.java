package org.tidegate.driver.gpio;

import java.util.Objects;

/**
 * A debounced change of a GPIO input channel ({@code mode=input}), as the driver accepted it.
 *
 * @param device    device id
 * @param channel   channel id
 * @param line      BCM line number
 * @param active    the new logical state: true = active (contact closed for an active-low input)
 * @param timestamp when the driver accepted the edge, Unix ms
 */
public record GpioEdge(String device, String channel, int line, boolean active, long timestamp) {
    public GpioEdge {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(channel, "channel");
    }
}
