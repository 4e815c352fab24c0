package org.tidegate.driver.gpio;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Drives the Pi4J mock provider's pins from outside, so simulators and demos can make it rain or raise a smoke
 * alarm on a gateway running with {@code provider=mock} (no GPIO hardware). Registered by the GPIO driver
 * alongside its {@code FieldDriver} service. Levels are raw pin levels: for an active-low contact, closing it is
 * {@code setLevel(line, false)}.
 */
@ProviderType
public interface GpioMock {

    /**
     * Sets a mock input line's level; listeners and the pulse counter see it at once, exactly as a real edge.
     *
     * @throws IllegalStateException if no open device holds this line as an input on the mock provider
     */
    void setLevel(int line, boolean high);

    /**
     * The raw level of an open mock line (input or output).
     *
     * @throws IllegalStateException if no open device holds this line on the mock provider
     */
    boolean level(int line);
}
