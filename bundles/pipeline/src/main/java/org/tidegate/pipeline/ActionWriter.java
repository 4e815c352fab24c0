package org.tidegate.pipeline;

/** Performs a local action: writes an engineering value to a device's channel. */
@FunctionalInterface
public interface ActionWriter {
    /** @throws RuntimeException with a readable reason if the device is absent or did not confirm the write */
    void write(String device, String channel, Object value);
}
