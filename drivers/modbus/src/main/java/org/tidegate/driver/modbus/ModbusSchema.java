package org.tidegate.driver.modbus;

import java.util.List;
import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.core.model.Endian;
import org.tidegate.core.model.ModbusAddress;
import org.tidegate.core.model.ModbusAddress.Table;
import org.tidegate.driver.serial.SerialSettings;

/**
 * The configuration of a {@code modbus} device, the one place that knows it (used by {@code tidegate validate} and
 * by the running gateway alike).
 *
 * <ul>
 *   <li>{@code connection}: {@code transport} {@code tcp} or {@code rtu} (required). TCP: {@code host} (required),
 *       {@code port} (1–65535, default 502), {@code unit} (0–255, default 1). RTU: the serial line keys of
 *       {@link SerialSettings#read}, {@code unit} (1–247, default 1), {@code interFrameDelayMs} (0–1000, default
 *       t3.5 of the line speed).</li>
 *   <li>{@code options}: {@code maxGap} (0–65535, default 0), {@code maxBlock} (1–125, default 125),
 *       {@code maxGapBits} (0–65535, default 0), {@code maxBlockBits} (1–2000, default 2000).</li>
 *   <li>channels: {@code address} ({@link ModbusAddress}, required), {@code type} (required), {@code byteOrder},
 *       {@code wordOrder}, {@code length} (registers of a string, 1–125, required for strings), {@code access}
 *       (default read; ir and di cannot be written), {@code writeMultiple} (default false).</li>
 * </ul>
 */
public final class ModbusSchema implements DriverSchema {

    @Override
    public String protocol() {
        return ModbusDriver.PROTOCOL;
    }

    @Override
    public DeviceSettings device(ConfigNode connection, ConfigNode options) {
        ModbusSettings.BlockLimits blocks = new ModbusSettings.BlockLimits(
                (int) options.integer("maxGap", 0, 65535, 0, false),
                (int) options.integer("maxBlock", 1, 125, 125, false),
                (int) options.integer("maxGapBits", 0, 65535, 0, false),
                (int) options.integer("maxBlockBits", 1, 2000, 2000, false));
        String transport = connection.choice("transport", List.of("tcp", "rtu"), null);
        if (transport == null) {
            if (!connection.child("transport").present() && connection.present()) {
                connection.child("transport").error("is required for Modbus (tcp or rtu)");
            }
            connection.keys(); // which keys belong depends on the transport: report only the transport
            return new ModbusSettings(new ModbusSettings.Tcp("", 502), 1, blocks);
        }
        if (transport.equals("tcp")) {
            String host = connection.string("host", true, "");
            if (connection.child("host").present() && host.isBlank()) {
                connection.child("host").error("must not be empty");
            }
            int port = (int) connection.integer("port", 1, 65535, 502, false);
            int unit = (int) connection.integer("unit", 0, 255, 1, false);
            return new ModbusSettings(new ModbusSettings.Tcp(host, port), unit, blocks);
        }
        SerialSettings serial = SerialSettings.read(connection);
        int unit = (int) connection.integer("unit", 1, 247, 1, false);
        double ifd = connection.integer("interFrameDelayMs", 0, 1000, -1, false);
        return new ModbusSettings(new ModbusSettings.Rtu(serial, ifd), unit, blocks);
    }

    @Override
    public ChannelSpec channel(ConfigNode c, DeviceSettings device) {
        String address = c.string("address", true, "");
        DataType type = CommonKeys.dataType(c, null);
        Endian byteOrder = CommonKeys.endian(c, "byteOrder");
        Endian wordOrder = CommonKeys.endian(c, "wordOrder");
        int length = (int) c.integer("length", 1, 125, 0, type == DataType.STRING);
        Access access = CommonKeys.access(c);
        boolean writeMultiple = c.bool("writeMultiple", false);
        ModbusAddress addr = null;
        if (!address.isBlank()) {
            try {
                addr = ModbusAddress.parse(address);
            } catch (IllegalArgumentException e) {
                c.child("address").error(e.getMessage());
            }
        }
        if (addr != null) {
            check(c, addr, type, type == DataType.STRING ? length : Math.max(1, type.registers()), access);
        }
        return new ChannelSpec(address, type, byteOrder, wordOrder, type == DataType.STRING ? length : 0,
                access == null ? Access.READ : access,
                new ModbusChannelSettings(addr == null ? new ModbusAddress(Table.HOLDING_REGISTER, 0, -1) : addr,
                        writeMultiple));
    }

    private static void check(ConfigNode c, ModbusAddress addr, DataType type, int registers, Access access) {
        Table table = addr.table();
        if (!table.isRegister() && type != DataType.BOOL) {
            c.child("type").error(table.prefix() + " addresses hold single bits: type must be bool");
        }
        if (table.isRegister() && addr.bit() >= 0 && type != DataType.BOOL) {
            c.child("type").error("a bit address (" + addr + ") must have type bool");
        }
        if (table.isRegister() && addr.bit() < 0 && type == DataType.BOOL) {
            c.child("type").error("type bool on a register needs a bit index, e.g. " + table.prefix() + ":"
                    + addr.offset() + ".0");
        }
        if (table.isRegister() && addr.offset() + registers > 65536) {
            c.child("address").error("value of " + registers + " registers starting at " + addr.offset()
                    + " runs past register 65535");
        }
        if (access != null && access.writable()
                && (table == Table.INPUT_REGISTER || table == Table.DISCRETE_INPUT)) {
            c.child("access").error(table.prefix() + " addresses are read-only in Modbus; use hr or coil to write");
        }
    }
}
