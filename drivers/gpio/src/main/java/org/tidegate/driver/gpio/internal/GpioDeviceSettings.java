package org.tidegate.driver.gpio.internal;

import org.tidegate.core.model.DeviceSettings;

/**
 * A GPIO device's settings as {@link GpioSchema} reads them from its {@code connection}.
 *
 * @param provider {@code auto}, {@code mock} or {@code real}; null when the connection names none (the driver's
 *                 configured default applies)
 */
public record GpioDeviceSettings(String provider) implements DeviceSettings {
}
