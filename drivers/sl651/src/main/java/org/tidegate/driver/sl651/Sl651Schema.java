package org.tidegate.driver.sl651;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.sl651.codec.Element;
import org.tidegate.driver.sl651.codec.Encoding;

/**
 * The configuration of an {@code sl651} device (a station reporting to this gateway as its centre), the one place
 * that knows it.
 *
 * <ul>
 *   <li>{@code connection}: {@code transport} {@code serial} (default: the serial line keys of
 *       {@link SerialSettings#read}, 9600 8N1 unless given) or {@code tcp} ({@code listenPort} 1–65535 required,
 *       {@code bind} default {@code 0.0.0.0}); {@code station}: the station address, 10 hex digits (required);
 *       {@code centre}: the centre address 1–255 frames must carry (default: any); {@code password}: 4 hex digits
 *       frames must carry (default: any); {@code timeZone}: the station clock's zone (default
 *       {@value #DEFAULT_ZONE}); {@code reportTimeoutSeconds}: down after this long without a frame (1–86400,
 *       default {@value #DEFAULT_REPORT_TIMEOUT_S}); {@code keepOnline}: acknowledge with ESC instead of EOT
 *       (default false); {@code encoding}: {@code hex} (HEX/BCD frames, default) or {@code ascii} (ASCII frames,
 *       SOH {@code 01}); stations on one listener share one encoding ({@code ListenerCheck}).</li>
 *   <li>channels: {@code address}: the element identifier, 2 hex digits (e.g. {@code 39} water level,
 *       {@code 1F} daily rainfall; not {@code F0}–{@code FF}, which are no values), or its ASCII-mode name
 *       ({@code Z}, {@code PD} ..., {@link Element#asciiIdentifiers()}: the same element in either encoding); {@code type} {@code float64}
 *       (default) or {@code float32}; read only.</li>
 * </ul>
 */
public final class Sl651Schema implements DriverSchema {
    public static final String PROTOCOL = "sl651";
    public static final String DEFAULT_ZONE = "Asia/Shanghai";
    public static final long DEFAULT_REPORT_TIMEOUT_S = 7200;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public DeviceSettings device(ConfigNode c, ConfigNode options) {
        String transport = c.choice("transport", List.of("serial", "tcp"), "serial");
        Sl651Settings.Listener listener;
        if (transport.equals("tcp")) {
            int port = (int) c.integer("listenPort", 1, 65535, 1, true);
            String bind = c.string("bind", false, "0.0.0.0");
            if (bind.isBlank()) {
                c.child("bind").error("must be an address to listen on, such as 0.0.0.0 or 127.0.0.1");
            }
            listener = new Sl651Settings.Tcp(bind, port);
        } else {
            listener = new Sl651Settings.Serial(SerialSettings.read(c));
        }
        String station = c.string("station", true, "0000000000");
        if (c.child("station").present() && !station.matches("[0-9A-Fa-f]{10}")) {
            c.child("station").error("must be the station address as 10 hex digits, like 0011223344");
            station = "0000000000";
        }
        int centre = (int) c.integer("centre", 1, 255, -1, false);
        int password = -1;
        if (c.child("password").present()) {
            String p = c.string("password", false, "");
            if (p.matches("[0-9A-Fa-f]{4}")) {
                password = Integer.parseInt(p, 16);
            } else {
                c.child("password").error("must be the station's password as 4 hex digits, like 03E8");
            }
        }
        ZoneId zone = ZoneId.of(DEFAULT_ZONE);
        if (c.child("timeZone").present()) {
            try {
                zone = ZoneId.of(c.string("timeZone", false, DEFAULT_ZONE));
            } catch (DateTimeException e) {
                c.child("timeZone").error("is not a time zone such as Asia/Shanghai or +08:00 (" + e.getMessage() + ")");
            }
        }
        long timeout = c.integer("reportTimeoutSeconds", 1, 86_400, DEFAULT_REPORT_TIMEOUT_S, false);
        boolean keepOnline = c.bool("keepOnline", false);
        Encoding encoding = c.choice("encoding", List.of("hex", "ascii"), "hex").equals("ascii") ? Encoding.ASCII : Encoding.HEX;
        return new Sl651Settings(listener, station.toUpperCase(Locale.ROOT), centre, password, zone,
                Duration.ofSeconds(timeout), keepOnline, encoding);
    }

    @Override
    public ChannelSpec channel(ConfigNode c, DeviceSettings device) {
        String address = c.string("address", true, "");
        int element = 0;
        if (c.child("address").present()) {
            if (address.matches("[0-9A-Fa-f]{2}") && Integer.parseInt(address, 16) < 0xF0 && Integer.parseInt(address, 16) > 0) {
                element = Integer.parseInt(address, 16);
            } else if (Element.forAsciiIdentifier(address) > 0) {
                element = Element.forAsciiIdentifier(address); // the same element, named as ASCII mode names it
            } else {
                c.child("address").error("must be an element identifier, 2 hex digits 01-EF like 39 (water level) or 1F (daily rainfall),"
                        + " or an ASCII identifier " + String.join(", ", Element.asciiIdentifiers()));
            }
        }
        DataType type = CommonKeys.dataType(c, DataType.FLOAT64);
        if (type != DataType.FLOAT64 && type != DataType.FLOAT32) {
            c.child("type").error("an SL 651 element is a decimal number: type must be float64 (default) or float32");
        }
        Access access = CommonKeys.access(c);
        if (access != null && access != Access.READ) {
            c.child("access").error("SL 651 channels are read only (the station reports, the centre receives)");
        }
        return new ChannelSpec(address.toUpperCase(Locale.ROOT), type, null, null, 0, Access.READ, new Sl651ChannelSettings(element));
    }
}
