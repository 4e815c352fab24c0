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
 *       t3.5 of the line speed). Two devices on one slave (port and unit, or host, port and unit) are a warning
 *       of {@link org.tidegate.driver.modbus.internal.SlaveCheck}, which sees the whole home.</li>
 *   <li>{@code options}: {@code maxGap} (0–65535, default 0), {@code maxBlock} (1–125, default 125),
 *       {@code maxGapBits} (0–65535, default 0), {@code maxBlockBits} (1–2000, default 2000).</li>
 *   <li>channels: {@code address} ({@link ModbusAddress}, required), {@code type} (required), {@code byteOrder},
 *       {@code wordOrder}, {@code length} (registers of a string, 1–125, required for strings), {@code access}
 *       (default read; ir and di cannot be written), {@code writeMultiple} (default false). Channels of one device
 *       must not overlap ({@link #checkChannels}).</li>
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
        if (type != DataType.STRING && c.child("length").present() && c.child("type").present()
                && c.child("type").json().isTextual() && DataType.parse(c.child("type").json().asText()) == type) {
            // an unused length would let an operator believe a value spans registers it does not read
            c.child("length").error("applies to string channels only; a " + type.configName() + " is "
                    + (type == DataType.BOOL ? "one bit" : type.registers() + " register" + (type.registers() == 1 ? "" : "s"))
                    + " by its type: remove length");
        }
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

    /**
     * Refuses two channels of one device that read the same data: on one table, their ranges (a register value's
     * registers, a coil's or input's bit) must not overlap. Allowed: several bit channels ({@code hr:N.B}) of one
     * register with different bits, and bit channels of a register that a one-register integer channel also reads
     * (a status word and its alarm bits). Anything else (two values sharing a register, a value starting inside
     * another, the same address twice, a bit of a multi-register value) is an error at the later channel's
     * {@code address}, naming the earlier one.
     */
    /** Whether an address parsed (one that did not is reported already and stands for no register). */
    private static boolean valid(String address) {
        try {
            ModbusAddress.parse(address);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void checkChannels(DeviceSettings device, List<org.tidegate.core.model.Channel> channels, ConfigNode channelsNode) {
        // Channel i of the list is the i-th object element (DeviceSchema skips elements that are not objects).
        List<ConfigNode> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < channelsNode.size(); i++) {
            ConfigNode n = channelsNode.element(i);
            if (n.present() && n.json().isObject()) {
                nodes.add(n);
            }
        }
        for (int j = 1; j < channels.size() && j < nodes.size(); j++) {
            org.tidegate.core.model.Channel b = channels.get(j);
            if (!(b.settings() instanceof ModbusChannelSettings sb) || !valid(b.address())) {
                continue;
            }
            for (int i = 0; i < j; i++) {
                org.tidegate.core.model.Channel a = channels.get(i);
                if (!(a.settings() instanceof ModbusChannelSettings sa) || !valid(a.address())) {
                    continue;
                }
                String why = overlap(a, sa.address(), b, sb.address());
                if (why != null) {
                    ConfigNode at = blame(nodes.get(j), nodes.get(i));
                    if (at != adjustment(nodes.get(j))) {
                        // reported at the earlier channel's adjustment: said from that channel's side, naming the other
                        why = overlap(b, sb.address(), a, sa.address());
                    }
                    at.error(why);
                    break;
                }
            }
        }
    }

    /**
     * Where an overlap is reported: the later channel's {@code address}, unless a device file changed the
     * {@code type} or {@code length} of one of the two channels of its profile; then that change, in the device file
     * (a correct profile, perhaps shared by other devices, is not blamed for one device's adjustment).
     */
    private static ConfigNode blame(ConfigNode later, ConfigNode earlier) {
        ConfigNode own = adjustment(later);
        if (own != later.child("address")) {
            return own;
        }
        ConfigNode other = adjustment(earlier);
        return other != earlier.child("address") ? other : own;
    }

    /** The channel's {@code type} or {@code length} when a device file changed it, else its {@code address}. */
    private static ConfigNode adjustment(ConfigNode channel) {
        ConfigNode address = channel.child("address");
        for (String key : List.of("type", "length")) {
            ConfigNode n = channel.child(key);
            if (n.present() && !n.file().equals(address.file())) {
                return n;
            }
        }
        return address;
    }

    /** Why channel {@code b} at {@code mb} may not read what channel {@code a} at {@code ma} reads, or null. */
    private static String overlap(org.tidegate.core.model.Channel a, ModbusAddress ma, org.tidegate.core.model.Channel b,
                                  ModbusAddress mb) {
        if (ma.table() != mb.table()) {
            return null;
        }
        String ta = a.type().configName();
        String tb = b.type().configName();
        if (!ma.table().isRegister()) {
            return ma.offset() != mb.offset() ? null
                    : mb + " is read by channel " + a.id() + " already: each " + ma.table().prefix() + " may be one channel";
        }
        int a0 = ma.offset();
        int a1 = a0 + (ma.bit() >= 0 ? 1 : a.registerCount());
        int b0 = mb.offset();
        int b1 = b0 + (mb.bit() >= 0 ? 1 : b.registerCount());
        if (b0 >= a1 || a0 >= b1) {
            return null;
        }
        if (ma.bit() >= 0 && mb.bit() >= 0) {
            return ma.bit() != mb.bit() ? null : mb + " is read by channel " + a.id() + " already";
        }
        if (ma.bit() >= 0 || mb.bit() >= 0) {
            // A bit of a register that a value also reads: fine for a one-register integer (a status word).
            org.tidegate.core.model.Channel word = ma.bit() >= 0 ? b : a;
            if (word.registerCount() == 1 && word.type() != DataType.STRING) {
                return null;
            }
            return "bit " + (ma.bit() >= 0 ? ma : mb) + " lies in the " + word.registerCount() + "-register "
                    + word.type().configName() + " of channel " + word.id() + " (" + (ma.bit() >= 0 ? mb : ma)
                    + "): bits may only share a one-register integer (a status word)";
        }
        return "registers " + range(mb, b1 - b0) + " (" + tb + ") overlap registers " + range(ma, a1 - a0) + " (" + ta
                + ") of channel " + a.id() + ": two channels must not read the same register as different values"
                + " (only bits, " + ma.table().prefix() + ":N.B, may share a register)";
    }

    private static String range(ModbusAddress m, int count) {
        return count == 1 ? m.table().prefix() + ":" + m.offset()
                : m.table().prefix() + ":" + m.offset() + "–" + (m.offset() + count - 1);
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
        if (access != null && access.writable() && table.isRegister() && addr.bit() >= 0) {
            // the session refuses such a write at every attempt: writing one bit would need a read-modify-write
            c.child("access").error("one bit of a register (" + addr + ") cannot be written: a write sets the whole"
                    + " register; use a coil, or a uint16 channel on " + table.prefix() + ":" + addr.offset());
        }
    }
}
