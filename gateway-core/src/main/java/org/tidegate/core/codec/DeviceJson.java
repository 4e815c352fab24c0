package org.tidegate.core.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

/**
 * The resolved form of a {@link Device} as one JSON string. This is how a validated device travels
 * through ConfigAdmin (whose properties are flat) to its device component: validation happens before,
 * in the config module, so decoding here trusts its input.
 */
public final class DeviceJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private DeviceJson() {
    }

    public static String toJson(Device d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", d.id());
        n.put("profile", d.profile());
        n.put("protocol", d.protocol());
        n.set("connection", MAPPER.valueToTree(d.connection()));
        n.put("pollIntervalMs", d.pollInterval().toMillis());
        n.put("timeoutMs", d.timeout().toMillis());
        n.put("retries", d.retries());
        n.set("options", MAPPER.valueToTree(d.options()));
        ArrayNode chans = n.putArray("channels");
        for (Channel c : d.channels()) {
            ObjectNode cn = chans.addObject();
            cn.put("id", c.id());
            cn.put("address", c.address());
            cn.put("type", c.type().configName());
            cn.put("byteOrder", c.byteOrder().configName());
            cn.put("wordOrder", c.wordOrder().configName());
            cn.put("length", c.length());
            cn.put("scale", c.scale());
            cn.put("offset", c.offset());
            cn.put("unit", c.unit());
            cn.put("access", c.access().name());
            cn.set("options", MAPPER.valueToTree(c.options()));
        }
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode device " + d.id(), e);
        }
    }

    public static Device fromJson(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            List<Channel> channels = new ArrayList<>();
            for (JsonNode c : n.path("channels")) {
                channels.add(new Channel(
                        c.path("id").asText(),
                        c.path("address").asText(),
                        DataType.parse(c.path("type").asText()),
                        Endian.parse(c.path("byteOrder").asText("big")),
                        Endian.parse(c.path("wordOrder").asText("big")),
                        c.path("length").asInt(0),
                        c.path("scale").asDouble(1.0),
                        c.path("offset").asDouble(0.0),
                        c.path("unit").asText(""),
                        Access.valueOf(c.path("access").asText("READ")),
                        toMap(c.path("options"))));
            }
            return new Device(
                    n.path("id").asText(),
                    n.path("profile").asText(""),
                    n.path("protocol").asText(),
                    toMap(n.path("connection")),
                    Duration.ofMillis(n.path("pollIntervalMs").asLong(1000)),
                    Duration.ofMillis(n.path("timeoutMs").asLong(1000)),
                    n.path("retries").asInt(0),
                    channels,
                    toMap(n.path("options")));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a device definition: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> toMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, Object> m = MAPPER.convertValue(node, MAP);
        // Map.copyOf in the records refuses null values: drop them here.
        Map<String, Object> clean = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v != null) {
                clean.put(k, v);
            }
        });
        return clean;
    }
}
