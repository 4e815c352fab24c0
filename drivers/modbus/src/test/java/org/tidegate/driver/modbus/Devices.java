package org.tidegate.driver.modbus;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

/**
 * Builds devices for tests the way the gateway does: as JSON documents decoded by {@link ModbusSchema}
 * (so every device and channel a test uses is one the configuration would accept).
 */
final class Devices {
    static final ModbusSchema SCHEMA = new ModbusSchema();

    private Devices() {
    }

    /** Decodes a resolved device document; throws IllegalArgumentException listing the problems. */
    static Device decode(Map<String, Object> document) {
        try {
            return DeviceSchema.decode("test.json", ConfigNode.mapper().writeValueAsString(document), SCHEMA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> document(String id, Map<String, Object> connection, long pollMs, long timeoutMs,
                                        int retries, List<Channel> channels, Map<String, Object> options) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("profile", "test");
        d.put("protocol", "modbus");
        d.put("pollIntervalMs", pollMs);
        d.put("timeoutMs", timeoutMs);
        d.put("retries", retries);
        d.put("connection", connection);
        d.put("options", options);
        List<Map<String, Object>> cs = new ArrayList<>();
        channels.forEach(c -> cs.add(json(c)));
        d.put("channels", cs);
        return d;
    }

    static Device tcp(String id, int port, int unit, long timeoutMs, int retries, List<Channel> channels, Map<String, Object> options) {
        return decode(document(id, tcpConnection(port, unit), 200, timeoutMs,
                retries, channels, options));
    }

    static Map<String, Object> tcpConnection(int port, int unit) {
        return Map.of("transport", "tcp", "host", "127.0.0.1", "port", port, "unit", unit);
    }

    static Device rtu(String id, String port, int unit, long timeoutMs, int retries, List<Channel> channels) {
        Map<String, Object> conn = Map.of("transport", "rtu", "port", port, "baud", 115200, "parity", "none",
                "dataBits", 8, "stopBits", 1, "unit", unit);
        return decode(document(id, conn, 200, timeoutMs, retries, channels, Map.of()));
    }

    /** One channel as the schema makes it from its JSON keys (e.g. {@code "writeMultiple", true}). */
    static Channel channel(Object... kv) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            c.put((String) kv[i], kv[i + 1]);
        }
        Map<String, Object> d = document("one", tcpConnection(502, 1), 1000, 100, 0, List.of(), Map.of());
        d.put("channels", List.of(c));
        return decode(d).channels().get(0);
    }

    /** A readable channel, also writable where Modbus allows writing (a whole hr, a coil). */
    static Channel ch(String id, String address, DataType type, Endian byteOrder, Endian wordOrder) {
        // bit addresses are read-only too: a write would set the whole register (the schema refuses it)
        boolean readOnly = address.startsWith("ir:") || address.startsWith("di:") || address.matches(".*:[0-9]+\\.[0-9]+");
        return channel("id", id, "address", address, "type", type.configName(), "byteOrder", name(byteOrder),
                "wordOrder", name(wordOrder), "access", readOnly ? "read" : "readwrite");
    }

    static Channel ch(String id, String address, DataType type) {
        return ch(id, address, type, Endian.BIG, Endian.BIG);
    }

    /** The JSON keys of a channel (the inverse of the schema, for channels a test made with {@link #channel}). */
    static Map<String, Object> json(Channel c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("address", c.address());
        m.put("type", c.type().configName());
        m.put("byteOrder", name(c.byteOrder()));
        m.put("wordOrder", name(c.wordOrder()));
        if (c.type() == DataType.STRING) {
            m.put("length", c.length());
        }
        m.put("scale", c.scale());
        m.put("offset", c.offset());
        m.put("unit", c.unit());
        m.put("access", c.access() == Access.READ_WRITE ? "readwrite" : c.access().name().toLowerCase(Locale.ROOT));
        if (c.settings() instanceof ModbusChannelSettings s && s.writeMultiple()) {
            m.put("writeMultiple", true);
        }
        return m;
    }

    private static String name(Endian e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
