package org.tidegate.driver.modbus;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.core.config.DriverSchema;
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
 * Modbus TCP and RTU. A device reaches {@link #open} as {@link ModbusSchema} decoded it: its
 * {@link ModbusSettings} (transport, unit, block limits) and channels with {@link ModbusChannelSettings}.
 *
 * <p>Every TCP device gets its own connection. Devices on the same serial port share one {@link SerialBus}.
 */
public final class ModbusDriver implements FieldDriver, AutoCloseable {
    public static final String PROTOCOL = "modbus";
    private static final ModbusSchema SCHEMA = new ModbusSchema();

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

    /** The configuration this driver understands. */
    @Override
    public DriverSchema schema() {
        return SCHEMA;
    }

    @Override
    public DeviceSession open(Device device) throws DriverException {
        ModbusSettings settings;
        try {
            settings = device.settings(ModbusSettings.class);
        } catch (IllegalArgumentException e) {
            throw new DriverException(e.getMessage());
        }
        long timeout = Math.max(1, device.timeout().toMillis());
        long maxBackoff = Math.max(100, device.pollInterval().toMillis());
        ModbusSettings.BlockLimits b = settings.blocks();
        BlockPlanner.Limits limits = new BlockPlanner.Limits(b.maxGap(), b.maxBlock(), b.maxGapBits(), b.maxBlockBits());
        int unit = settings.unit();
        if (settings.connection() instanceof ModbusSettings.Tcp tcp) {
            TcpTransport t = new TcpTransport(device.id(), tcp.host(), tcp.port(), maxBackoff);
            return track(new ModbusSession(device.id(), unit, t, timeout, device.retries(), limits, t::close,
                    device.pollInterval().toMillis()));
        }
        ModbusSettings.Rtu rtu = (ModbusSettings.Rtu) settings.connection();
        SerialSettings s = rtu.serial();
        SerialBus bus;
        try {
            bus = buses.acquire(s, maxBackoff);
        } catch (IllegalArgumentException e) {
            throw new DriverException("device " + device.id() + ": " + e.getMessage());
        }
        Logger.debug("bus={} device={} joined ({} users)", s.port(), device.id(), buses.users(s.port()));
        return track(new ModbusSession(device.id(), unit, new RtuTransport(bus, rtu.interFrameDelayMs()), timeout,
                device.retries(), limits, () -> buses.release(bus), device.pollInterval().toMillis()));
    }

    private ModbusSession track(ModbusSession session) {
        sessions.add(session);
        session.onClosed(() -> sessions.remove(session));
        return session;
    }

    /** Closes every session still open, which releases their connections and buses. */
    @Override
    public void close() {
        for (ModbusSession s : List.copyOf(sessions)) {
            s.close();
        }
    }
}
