package org.tidegate.driver.dlt645;

import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.serial.SerialSettings;

/**
 * A DL/T 645 meter's connection, made by {@link Dlt645Schema}.
 *
 * @param serial          the RS-485 line (default 2400 8E1, the standard's usual rate)
 * @param meter           the meter's 12-digit address; all {@code AA} (the wildcard) makes the driver ask the one
 *                        meter on the line for its address first (read address, {@code 13})
 * @param blockReads      read channels of one data block ({@code 0201FF00} ...) with one request; a meter that
 *                        refuses the block is read item by item from then on
 * @param timeSyncMinutes send a broadcast time sync ({@code 08}) this often, 0 never
 * @param preamble        {@code FE} wake-up bytes before each request, 0–4
 * @param tcp             the serial server or network module the meter is reached through, or null for a meter on
 *                        the serial line {@code serial} (then null)
 */
public record Dlt645Settings(SerialSettings serial, MeterAddress meter, boolean blockReads, int timeSyncMinutes,
                             int preamble, Tcp tcp) implements DeviceSettings, SerialLineUser {

    /** A TCP endpoint: a transparent serial server in front of an RS-485 line, or a meter's network module. */
    public record Tcp(String host, int port) {
    }

    /** A meter on a serial line with the defaults: block reads, no time sync, 4 preamble bytes. */
    public Dlt645Settings(SerialSettings serial, MeterAddress meter) {
        this(serial, meter, true, 0, 4, null);
    }

    /** The line, for the shared-line check across protocols (devices on one port must agree on it); null over TCP. */
    @Override
    public SerialSettings serialLine() {
        return tcp == null ? serial : null;
    }
}
