package org.tidegate.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.driver.modbus.ModbusSchema;

/**
 * Reads the example profiles shipped in config/examples/riverside/profiles (part of this repository), so the
 * tests prove that the profiles and the simulator's register maps agree. Devices are decoded by the Modbus
 * driver's schema, as the gateway decodes them.
 */
final class Profiles {
    private static final ModbusSchema SCHEMA = new ModbusSchema();

    private Profiles() {
    }

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("config/examples/riverside/profiles"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("config/examples/riverside/profiles not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("config/examples/riverside/profiles");
    }

    /** A device of a shipped profile: the profile's channels and options, with this connection and timing. */
    static Device device(String profile, String id, Map<String, Object> connection, Duration poll, Duration timeout, int retries)
            throws IOException {
        ObjectNode d = (ObjectNode) ConfigNode.mapper().readTree(dir().resolve(profile + ".json").toFile());
        d.remove("description");
        d.put("profile", d.path("id").asText());
        d.put("id", id);
        return decode(d, connection, poll, timeout, retries);
    }

    /** A one-off Modbus device with these channels (address, type, unit and access as given). */
    static Device device(String id, Map<String, Object> connection, Duration poll, Duration timeout, int retries,
                         List<Channel> channels) {
        ObjectNode d = ConfigNode.mapper().createObjectNode();
        d.put("id", id);
        d.put("profile", "t");
        d.put("protocol", "modbus");
        ArrayNode cs = d.putArray("channels");
        for (Channel c : channels) {
            ObjectNode j = cs.addObject();
            j.put("id", c.id());
            j.put("address", c.address());
            j.put("type", c.type().configName());
            if (c.type() == DataType.STRING) {
                j.put("length", c.length());
            }
            j.put("scale", c.scale());
            j.put("offset", c.offset());
            j.put("unit", c.unit());
            j.put("access", c.access() == Access.READ_WRITE ? "readwrite" : c.access().name().toLowerCase(Locale.ROOT));
        }
        return decode(d, connection, poll, timeout, retries);
    }

    private static Device decode(ObjectNode d, Map<String, Object> connection, Duration poll, Duration timeout, int retries) {
        d.set("connection", ConfigNode.mapper().valueToTree(connection));
        d.put("pollIntervalMs", poll.toMillis());
        d.put("timeoutMs", timeout.toMillis());
        d.put("retries", retries);
        try {
            return DeviceSchema.decode("test.json", ConfigNode.mapper().writeValueAsString(d), SCHEMA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> tcp(int port, int unit) {
        return Map.of("transport", "tcp", "host", "127.0.0.1", "port", port, "unit", unit);
    }

    static Map<String, Object> rtu(Path port, int unit) {
        return Map.of("transport", "rtu", "port", port.toString(), "baud", 115200, "parity", "none", "dataBits", 8,
                "stopBits", 1, "unit", unit);
    }
}
