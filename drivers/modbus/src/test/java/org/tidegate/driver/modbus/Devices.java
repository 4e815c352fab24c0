package org.tidegate.driver.modbus;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

/** Builds devices for tests. */
final class Devices {
    private Devices() {
    }

    static Device tcp(String id, int port, int unit, long timeoutMs, int retries, List<Channel> channels, Map<String, Object> options) {
        return new Device(id, "test", "modbus", Map.of("transport", "tcp", "host", "127.0.0.1", "port", port, "unit", unit),
                Duration.ofMillis(200), Duration.ofMillis(timeoutMs), retries, channels, options);
    }

    static Device rtu(String id, String port, int unit, long timeoutMs, int retries, List<Channel> channels) {
        Map<String, Object> conn = new HashMap<>(Map.of("transport", "rtu", "port", port, "baud", 115200, "parity", "none",
                "dataBits", 8, "stopBits", 1, "unit", unit));
        return new Device(id, "test", "modbus", conn, Duration.ofMillis(200), Duration.ofMillis(timeoutMs), retries, channels, Map.of());
    }

    static Channel ch(String id, String address, DataType type, Endian byteOrder, Endian wordOrder) {
        return new Channel(id, address, type, byteOrder, wordOrder, 0, 1, 0, "", Access.READ_WRITE, Map.of());
    }

    static Channel ch(String id, String address, DataType type) {
        return ch(id, address, type, Endian.BIG, Endian.BIG);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
