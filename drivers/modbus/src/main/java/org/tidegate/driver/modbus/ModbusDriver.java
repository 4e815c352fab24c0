package org.tidegate.driver.modbus;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.modbus.internal.BlockPlanner;
import org.tidegate.driver.modbus.internal.ModbusSession;
import org.tidegate.driver.modbus.internal.RtuTransport;
import org.tidegate.driver.modbus.internal.TcpTransport;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.serial.SerialSettings;
import org.tinylog.Logger;

/**
 * Modbus TCP and RTU. Connection keys ({@code Device.connection()}): {@code transport} ({@code tcp} or {@code rtu}),
 * {@code unit}; for TCP {@code host}, {@code port} (default 502); for RTU {@code port} (device path), {@code baud},
 * {@code parity}, {@code dataBits}, {@code stopBits}, {@code interFrameDelayMs} (default: t3.5 of the line speed).
 * Device options: {@code maxGap}, {@code maxBlock} (registers), {@code maxGapBits}, {@code maxBlockBits}.
 *
 * <p>Every TCP device gets its own connection. Devices on the same serial port share one {@link SerialBus}.
 */
public final class ModbusDriver implements FieldDriver, AutoCloseable {
    public static final String PROTOCOL = "modbus";

    private final SerialBuses buses;
    private final Set<ModbusSession> sessions = ConcurrentHashMap.newKeySet();

    /** A driver whose RTU devices share serial buses with every other user of {@link SerialBuses#shared()}. */
    public ModbusDriver() {
        this(SerialBuses.shared());
    }

    public ModbusDriver(SerialBuses buses) {
        this.buses = buses;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public DeviceSession open(Device device) throws DriverException {
        String transport = device.connectionString("transport", "").trim().toLowerCase(Locale.ROOT);
        long timeout = Math.max(1, device.timeout().toMillis());
        long maxBackoff = Math.max(100, device.pollInterval().toMillis());
        BlockPlanner.Limits limits;
        try {
            limits = new BlockPlanner.Limits(
                    (int) device.optionLong("maxGap", 0),
                    (int) device.optionLong("maxBlock", 125),
                    (int) device.optionLong("maxGapBits", 0),
                    (int) device.optionLong("maxBlockBits", 2000));
        } catch (IllegalArgumentException e) {
            throw new DriverException("device " + device.id() + ": " + e.getMessage());
        }
        switch (transport) {
            case "tcp" -> {
                String host = device.connectionString("host", "");
                if (host.isBlank()) {
                    throw new DriverException("device " + device.id() + ": Modbus TCP needs connection \"host\"");
                }
                int port = connectionInt(device, "port", 502);
                int unit = connectionInt(device, "unit", 1);
                if (port < 1 || port > 65535 || unit < 0 || unit > 255) {
                    throw new DriverException("device " + device.id() + ": port " + port + " / unit " + unit + " out of range");
                }
                TcpTransport t = new TcpTransport(device.id(), host, port, maxBackoff);
                return track(new ModbusSession(device.id(), unit, t, timeout, device.retries(), limits, t::close));
            }
            case "rtu" -> {
                SerialSettings s;
                try {
                    s = SerialSettings.fromMap(device.connection());
                } catch (IllegalArgumentException e) {
                    throw new DriverException("device " + device.id() + ": " + e.getMessage());
                }
                int unit = connectionInt(device, "unit", 1);
                if (unit < 1 || unit > 247) {
                    throw new DriverException("device " + device.id() + ": RTU unit " + unit + " out of range 1-247");
                }
                double ifd = device.connection().get("interFrameDelayMs") instanceof Number n ? n.doubleValue() : -1;
                SerialBus bus;
                try {
                    bus = buses.acquire(s, maxBackoff);
                } catch (IllegalArgumentException e) {
                    throw new DriverException("device " + device.id() + ": " + e.getMessage());
                }
                Logger.debug("bus={} device={} joined ({} users)", s.port(), device.id(), buses.users(s.port()));
                return track(new ModbusSession(device.id(), unit, new RtuTransport(bus, ifd), timeout, device.retries(), limits,
                        () -> buses.release(bus)));
            }
            default -> throw new DriverException("device " + device.id() + ": connection \"transport\" must be tcp or rtu, got \""
                    + transport + "\"");
        }
    }

    private ModbusSession track(ModbusSession session) {
        sessions.add(session);
        session.onClosed(() -> sessions.remove(session));
        return session;
    }

    private static int connectionInt(Device d, String key, int fallback) throws DriverException {
        Object v = d.connection().get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new DriverException("device " + d.id() + ": connection \"" + key + "\" must be an integer, got \"" + v + "\"");
        }
    }

    /** Closes every session still open, which releases their connections and buses. */
    @Override
    public void close() {
        for (ModbusSession s : List.copyOf(sessions)) {
            s.close();
        }
    }
}
