package org.tidegate.driver.modbus;

import java.util.Objects;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.serial.SerialSettings;

/**
 * A Modbus device's settings as {@link ModbusSchema} reads them from its {@code connection} and {@code options}.
 *
 * @param connection how the device is reached: TCP or RTU
 * @param unit       unit identifier (slave address): 0–255 on TCP, 1–247 on RTU
 * @param blocks     how channels are merged into read requests
 */
public record ModbusSettings(Connection connection, int unit, BlockLimits blocks) implements DeviceSettings,
        SerialLineUser {

    public ModbusSettings {
        Objects.requireNonNull(connection, "connection");
        blocks = blocks == null ? BlockLimits.DEFAULT : blocks;
    }

    @Override
    public SerialSettings serialLine() {
        return connection instanceof Rtu rtu ? rtu.serial() : null;
    }

    /** How a device is reached. */
    public sealed interface Connection permits Tcp, Rtu {
    }

    /**
     * Modbus TCP: its own connection per device.
     *
     * @param host host name or address
     * @param port TCP port, 1–65535 (default 502)
     */
    public record Tcp(String host, int port) implements Connection {
        public Tcp {
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * Modbus RTU on a serial line; devices on the same port share the bus.
     *
     * @param serial            the line
     * @param interFrameDelayMs silence between frames in ms, or negative for t3.5 of the line speed (the default)
     */
    public record Rtu(SerialSettings serial, double interFrameDelayMs) implements Connection {
        public Rtu {
            Objects.requireNonNull(serial, "serial");
        }
    }

    /**
     * Block merging limits (profile or device {@code options}); register limits apply to hr/ir, bit limits to
     * coil/di.
     *
     * @param maxGap       registers a merged read may skip, default 0
     * @param maxBlock     registers per read, 1–125 (default 125)
     * @param maxGapBits   bits a merged read may skip, default 0
     * @param maxBlockBits bits per read, 1–2000 (default 2000)
     */
    public record BlockLimits(int maxGap, int maxBlock, int maxGapBits, int maxBlockBits) {
        public static final BlockLimits DEFAULT = new BlockLimits(0, 125, 0, 2000);
    }
}
