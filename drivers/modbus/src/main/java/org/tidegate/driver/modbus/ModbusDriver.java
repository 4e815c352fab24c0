package org.tidegate.driver.modbus;

import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.support.SessionDriver;
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
 * {@link ModbusSettings} (transport, unit, block limits) and channels with {@link ModbusChannelSettings}; the open
 * sessions are tracked and closed with the driver ({@link SessionDriver}).
 *
 * <p>Every TCP device gets its own connection. Devices on the same serial port share one {@link SerialBus}.
 */
public final class ModbusDriver extends SessionDriver<ModbusSettings> {
    public static final String PROTOCOL = "modbus";

    private final SerialBuses buses;

    /** A driver whose RTU devices share serial buses with every other user of {@link SerialBuses#shared()}. */
    public ModbusDriver() {
        this(SerialBuses.shared());
    }

    public ModbusDriver(SerialBuses buses) {
        super(new ModbusSchema(), ModbusSettings.class);
        this.buses = buses;
    }

    /**
     * @throws IllegalArgumentException if the serial port is in use with other line settings
     */
    @Override
    protected DeviceSession openSession(Device device, ModbusSettings settings, Runnable closed) {
        long timeout = Math.max(1, device.timeout().toMillis());
        long maxBackoff = Math.max(100, device.pollInterval().toMillis());
        ModbusSettings.BlockLimits b = settings.blocks();
        BlockPlanner.Limits limits = new BlockPlanner.Limits(b.maxGap(), b.maxBlock(), b.maxGapBits(), b.maxBlockBits());
        int unit = settings.unit();
        ModbusSession session;
        if (settings.connection() instanceof ModbusSettings.Tcp tcp) {
            TcpTransport t = new TcpTransport(device.id(), tcp.host(), tcp.port(), maxBackoff);
            session = new ModbusSession(device.id(), unit, t, timeout, device.retries(), limits, t::close,
                    device.pollInterval().toMillis());
        } else {
            ModbusSettings.Rtu rtu = (ModbusSettings.Rtu) settings.connection();
            SerialSettings s = rtu.serial();
            SerialBus bus = buses.acquire(s, maxBackoff);
            Logger.debug("bus={} device={} joined ({} users)", s.port(), device.id(), buses.users(s.port()));
            session = new ModbusSession(device.id(), unit, new RtuTransport(bus, rtu.interFrameDelayMs()), timeout,
                    device.retries(), limits, () -> buses.release(bus), device.pollInterval().toMillis());
        }
        session.onClosed(closed);
        return session;
    }
}
