package org.tidegate.driver.modbus.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.driver.modbus.ModbusSettings;

/**
 * Two Modbus devices that poll one slave (the same serial port and unit on RTU; the same host, port and unit on
 * TCP, the host compared as written, ignoring case) are most often a device file copied with only its id changed.
 * It is a warning, not an error: two files may deliberately read different registers of one slave. Reported at
 * the later device's {@code $.connection.unit} ({@code $.connection} when it has no unit of its own), naming the
 * earlier device and its file. Listed in {@code META-INF/services/org.tidegate.core.config.HomeCheck}; keeps no
 * state.
 */
public final class SlaveCheck implements HomeCheck {

    @Override
    public void check(List<DecodedDevice> devices) {
        Map<String, DecodedDevice> first = new HashMap<>();
        for (DecodedDevice d : devices) {
            if (!(d.device().settings() instanceof ModbusSettings s)) {
                continue;
            }
            String where = where(s.connection());
            if (where == null) {
                continue; // no host or port: reported by the schema already
            }
            DecodedDevice other = first.putIfAbsent(key(s), d);
            if (other == null) {
                continue;
            }
            ConfigNode connection = d.node().child("connection");
            ConfigNode at = connection.child("unit").present() ? connection.child("unit") : connection;
            at.warn("unit " + s.unit() + " on " + where + " is polled by device " + other.device().id() + " ("
                    + other.node().file() + ") too: two devices read one slave (intended only if they read different"
                    + " registers)");
        }
    }

    /** The line or endpoint as a technician writes it, or null when the schema found none. */
    private static String where(ModbusSettings.Connection c) {
        if (c instanceof ModbusSettings.Rtu rtu) {
            String port = rtu.serial().port();
            return port.isBlank() || port.equals("?") ? null : port;
        }
        ModbusSettings.Tcp tcp = (ModbusSettings.Tcp) c;
        return tcp.host().isBlank() ? null : tcp.host() + ":" + tcp.port();
    }

    private static String key(ModbusSettings s) {
        if (s.connection() instanceof ModbusSettings.Rtu rtu) {
            return "rtu " + rtu.serial().port() + " " + s.unit();
        }
        ModbusSettings.Tcp tcp = (ModbusSettings.Tcp) s.connection();
        return "tcp " + tcp.host().toLowerCase(Locale.ROOT) + " " + tcp.port() + " " + s.unit();
    }
}
