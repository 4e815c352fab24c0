package org.tidegate.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.model.Sample;

/**
 * Reads an opened body into JSON, whichever form it is in: UTF-8 JSON is parsed; a compact telemetry body
 * ({@link CompactTelemetry}) becomes the JSON body it stands for, field for field as the gateway's JSON encoder
 * writes it (a float32 value as its float form, "e" only when there is a detail). So everything downstream of
 * the receiver reads one shape.
 */
public final class BodyReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BodyReader() {
    }

    /** @return the body as JSON, or null if it is neither JSON nor a readable compact body */
    public static JsonNode read(byte[] body) {
        if (CompactTelemetry.isCompact(body)) {
            try {
                return toJson(CompactTelemetry.decode(body));
            } catch (IllegalArgumentException damaged) {
                return null;
            }
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The JSON body a compact one stands for. */
    public static ObjectNode toJson(CompactTelemetry.Body b) {
        ObjectNode root = NODES.objectNode();
        root.put("gateway", b.gateway());
        root.put("device", b.device());
        ArrayNode samples = root.putArray("samples");
        for (Sample s : b.samples()) {
            ObjectNode n = samples.addObject();
            n.put("ch", s.channel());
            n.put("t", s.timestamp());
            Object v = s.value();
            if (v == null) {
                n.putNull("v");
            } else if (v instanceof Boolean x) {
                n.put("v", x);
            } else if (v instanceof Long x) {
                n.put("v", x);
            } else if (v instanceof Double d) {
                float f = (float) d.doubleValue();
                if ((double) f == d) {
                    n.put("v", f);
                } else {
                    n.put("v", d);
                }
            } else {
                n.put("v", v.toString());
            }
            n.put("u", s.unit());
            n.put("q", s.quality().wireName());
            if (!s.detail().isEmpty()) {
                n.put("e", s.detail());
            }
        }
        return root;
    }
}
