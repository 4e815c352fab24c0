package org.tidegate.driver.modbus;

import org.tidegate.core.model.ChannelSettings;
import org.tidegate.core.model.ModbusAddress;

/**
 * A Modbus channel's settings beyond the generic ones, as {@link ModbusSchema} reads them.
 *
 * @param address       the parsed address
 * @param writeMultiple write with FC 15/16 even for one coil or register (devices without FC 5/6)
 */
public record ModbusChannelSettings(ModbusAddress address, boolean writeMultiple) implements ChannelSettings {
}
