package org.tidegate.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

/**
 * Reads the example profiles shipped in config/examples/riverside/profiles (part of this repository), so the
 * tests prove that the profiles and the simulator's register maps agree.
 */
final class Profiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> KNOWN = Set.of("id", "address", "type", "byteOrder", "wordOrder", "length", "scale",
            "offset", "unit", "access");

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

    static Device device(String profile, String id, Map<String, Object> connection, Duration poll, Duration timeout, int retries)
            throws IOException {
        JsonNode n = MAPPER.readTree(dir().resolve(profile + ".json").toFile());
        List<Channel> channels = new ArrayList<>();
        for (JsonNode c : n.path("channels")) {
            Map<String, Object> extra = new HashMap<>();
            for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KNOWN.contains(k)) {
                    extra.put(k, MAPPER.convertValue(c.get(k), Object.class));
                }
            }
            channels.add(new Channel(c.path("id").asText(), c.path("address").asText(), DataType.parse(c.path("type").asText()),
                    Endian.parse(c.path("byteOrder").asText("big")), Endian.parse(c.path("wordOrder").asText("big")),
                    c.path("length").asInt(0), c.path("scale").asDouble(1), c.path("offset").asDouble(0),
                    c.path("unit").asText(""), Access.parse(c.path("access").asText("read")), extra));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = MAPPER.convertValue(n.path("options"), Map.class);
        return new Device(id, n.path("id").asText(), n.path("protocol").asText(), connection, poll, timeout, retries, channels, options);
    }

    static Map<String, Object> tcp(int port, int unit) {
        return Map.of("transport", "tcp", "host", "127.0.0.1", "port", port, "unit", unit);
    }

    static Map<String, Object> rtu(Path port, int unit) {
        return Map.of("transport", "rtu", "port", port.toString(), "baud", 115200, "parity", "none", "dataBits", 8,
                "stopBits", 1, "unit", unit);
    }
}
