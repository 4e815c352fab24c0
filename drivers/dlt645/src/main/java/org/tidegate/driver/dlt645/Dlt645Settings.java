package org.tidegate.driver.dlt645;

import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.serial.SerialSettings;

/**
 * A DL/T 645 meter's connection, made by {@link Dlt645Schema}.
 *
 * @param serial the RS-485 line (default 2400 8E1, the standard's usual rate)
 * @param meter  the meter's 12-digit address
 */
public record Dlt645Settings(SerialSettings serial, MeterAddress meter) implements DeviceSettings, SerialLineUser {

    /** The line, for the shared-line check across protocols (devices on one port must agree on it). */
    @Override
    public SerialSettings serialLine() {
        return serial;
    }
}
