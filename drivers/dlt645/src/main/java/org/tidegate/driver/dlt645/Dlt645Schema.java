package org.tidegate.driver.dlt645;

import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.serial.SerialSettings;

/**
 * The configuration of a {@code dlt645} device, the one place that knows it.
 *
 * <ul>
 *   <li>{@code connection}: {@code transport} {@code serial} (default) or {@code tcp} (a transparent serial server
 *       or a meter's network module: {@code host} and {@code port} required, no line keys); for serial, the line keys of {@link SerialSettings#read}, with this protocol's defaults
 *       {@code baud} {@value #DEFAULT_BAUD} and {@code parity} {@value #DEFAULT_PARITY} (8E1); {@code address}: the
 *       meter's 12-digit address as printed on it (required; pairs of {@code AA} are wildcards, and
 *       {@code AAAAAAAAAAAA} asks the one meter on the line for its address); {@code blockReads} (default true):
 *       channels of one data block are read with one request; {@code timeSyncMinutes} (0–10080, default 0 = off):
 *       how often to broadcast the gateway's time; {@code preamble} (0–4, default 4): {@code FE} bytes before a
 *       request.</li>
 *   <li>channels: {@code address}: the data identifier, 8 hex digits DI3 first (e.g. {@code 02030000}, required);
 *       {@code format}: its BCD format from the standard's tables, e.g. {@code XX.XXXX} (required); {@code signed}:
 *       whether the top bit of the most significant byte is the sign (default: true for the identifiers the
 *       standard gives a sign, {@code 0202....} currents and {@code 0203....}–{@code 0206....} powers and power
 *       factor, else false); {@code type}: {@code float64} (default) or {@code float32}; {@code access}: read only.</li>
 * </ul>
 */
public final class Dlt645Schema implements DriverSchema {

    public static final String PROTOCOL = "dlt645";
    public static final int DEFAULT_BAUD = 2400;
    public static final String DEFAULT_PARITY = "even";

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public DeviceSettings device(ConfigNode connection, ConfigNode options) {
        String transport = connection.choice("transport", java.util.List.of("serial", "tcp"), "serial");
        SerialSettings serial = null;
        Dlt645Settings.Tcp tcp = null;
        if (transport.equals("tcp")) {
            String host = connection.string("host", true, "");
            if (connection.child("host").present() && host.isBlank()) {
                connection.child("host").error("must be the serial server's host name or address");
            }
            int port = (int) connection.integer("port", 1, 65535, 1, true);
            tcp = new Dlt645Settings.Tcp(host.isBlank() ? "?" : host, port);
        } else {
            SerialSettings line = SerialSettings.read(connection);
            int baud = connection.child("baud").present() ? line.baud() : DEFAULT_BAUD;
            SerialSettings.Parity parity = connection.child("parity").present() ? line.parity() : SerialSettings.Parity.parse(DEFAULT_PARITY);
            serial = new SerialSettings(line.port(), baud, parity, line.dataBits(), line.stopBits());
        }
        String address = connection.string("address", true, "");
        MeterAddress meter = new MeterAddress("000000000000");
        if (connection.child("address").present()) {
            try {
                meter = new MeterAddress(address);
            } catch (IllegalArgumentException e) {
                connection.child("address").error("must be the meter's 12-digit address, like 123456789012 (" + e.getMessage() + ")");
            }
        }
        boolean blocks = connection.bool("blockReads", true);
        int timeSync = (int) connection.integer("timeSyncMinutes", 0, 7 * 24 * 60, 0, false);
        int preamble = (int) connection.integer("preamble", 0, 4, 4, false);
        return new Dlt645Settings(serial, meter, blocks, timeSync, preamble, tcp);
    }

    @Override
    public ChannelSpec channel(ConfigNode c, DeviceSettings device) {
        String address = c.string("address", true, "");
        int di = 0;
        boolean diOk = false;
        if (c.child("address").present()) {
            try {
                di = Dlt645.parseIdentifier(address);
                diOk = true;
            } catch (IllegalArgumentException e) {
                c.child("address").error(e.getMessage());
            }
        }
        boolean signed = c.bool("signed", diOk && signedByStandard(di));
        String pattern = c.string("format", true, "");
        BcdFormat format = new BcdFormat(2, 0, false);
        if (c.child("format").present()) {
            try {
                format = BcdFormat.parse(pattern, signed);
            } catch (IllegalArgumentException e) {
                c.child("format").error(e.getMessage());
            }
        }
        DataType type = CommonKeys.dataType(c, DataType.FLOAT64);
        if (type != DataType.FLOAT64 && type != DataType.FLOAT32) {
            c.child("type").error("a DL/T 645 value is a decimal number: type must be float64 (default) or float32");
        }
        Access access = CommonKeys.access(c);
        if (access != null && access != Access.READ) {
            c.child("access").error("DL/T 645 channels are read only");
        }
        return new ChannelSpec(address, type, null, null, 0, Access.READ, new Dlt645ChannelSettings(di, format));
    }

    /** The identifiers whose values carry a sign in the top bit (DL/T 645-2007 Appendix A: currents, powers, power factor). */
    static boolean signedByStandard(int di) {
        int di3 = di >>> 24;
        int di2 = (di >> 16) & 0xFF;
        return di3 == 0x02 && di2 >= 0x02 && di2 <= 0x06;
    }
}
