package org.tidegate.ingest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tidegate.cloud.BodyReader;
import org.tidegate.crypto.Opened;

/**
 * Turns the body of an opened envelope into the rows it stores (envelope spec, "Body"; docs/edge-rules.md for
 * alarms). Bounded: at most {@value #MAX_SAMPLES} samples per envelope, ids and channels of at most
 * {@value #MAX_ID} characters, units of {@value #MAX_UNIT}, text values of {@value #MAX_TEXT}. A body that does not
 * fit is refused with the JSON path of the first problem; the envelope then goes to the audit table whole.
 */
final class BodyDecoder {
    static final int MAX_SAMPLES = 10_000;
    static final int MAX_ID = 64;
    static final int MAX_UNIT = 32;
    static final int MAX_TEXT = 4096;
    private static final Set<String> QUALITIES = Set.of("good", "bad", "stale");

    private BodyDecoder() {
    }

    /** The body as JSON (a compact telemetry body in its JSON shape), or null if it is neither. */
    static JsonNode parse(Opened o) {
        return BodyReader.read(o.body());
    }

    static Decoded decode(Opened o) throws BadBody {
        return decode(o, parse(o));
    }

    /** @param body {@link #parse}'s result for {@code o} */
    static Decoded decode(Opened o, JsonNode body) throws BadBody {
        if (body == null) {
            throw new BadBody("body is neither JSON nor a readable compact body");
        }
        if (!body.isObject()) {
            throw new BadBody("body is not a JSON object");
        }
        return switch (o.contentType()) {
            case TELEMETRY -> telemetry(body);
            case ALARM -> event(body);
            case STATUS -> new Decoded.Status(body.toString());
            case REPLY -> new Decoded.Reply(body.path("command").canConvertToLong() ? body.path("command").asLong() : null,
                    body.toString());
            case COMMAND -> throw new BadBody("a command is never accepted on a gateway topic");
        };
    }

    private static Decoded.Telemetry telemetry(JsonNode body) throws BadBody {
        String device = id(body, "device", "$.device");
        JsonNode samples = body.get("samples");
        if (samples == null || !samples.isArray()) {
            throw new BadBody("$.samples: missing or not an array");
        }
        if (samples.size() > MAX_SAMPLES) {
            throw new BadBody("$.samples: " + samples.size() + " samples, at most " + MAX_SAMPLES);
        }
        List<Reading> readings = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            JsonNode s = samples.get(i);
            String path = "$.samples[" + i + "]";
            if (!s.isObject()) {
                throw new BadBody(path + ": not an object");
            }
            String ch = id(s, "ch", path + ".ch");
            JsonNode t = s.get("t");
            if (t == null || !t.canConvertToLong() || t.asLong() <= 0) {
                throw new BadBody(path + ".t: missing or not a positive Unix time in ms");
            }
            JsonNode v = s.get("v");
            Double num = null;
            Boolean bool = null;
            String text = null;
            if (v == null || v.isNull()) {
                throw new BadBody(path + ".v: missing (a number, boolean or string)");
            } else if (v.isNumber()) {
                num = v.asDouble();
            } else if (v.isBoolean()) {
                bool = v.asBoolean();
            } else if (v.isTextual()) {
                text = bounded(v.asText(), MAX_TEXT, path + ".v");
            } else {
                throw new BadBody(path + ".v: " + v.getNodeType() + " is not a number, boolean or string");
            }
            String unit = s.hasNonNull("u") ? bounded(s.get("u").asText(), MAX_UNIT, path + ".u") : "";
            String q = s.hasNonNull("q") ? s.get("q").asText() : "good";
            if (!QUALITIES.contains(q)) {
                throw new BadBody(path + ".q: \"" + q + "\" is not one of good, bad, stale");
            }
            readings.add(new Reading(device, ch, t.asLong(), num, bool, text, unit, q));
        }
        return new Decoded.Telemetry(device, readings);
    }

    private static Decoded.Event event(JsonNode body) throws BadBody {
        String device = id(body, "device", "$.device");
        String kind = body.hasNonNull("kind") ? bounded(body.get("kind").asText(), MAX_ID, "$.kind") : "alarm";
        String event = id(body, "event", "$.event");
        String state = id(body, "state", "$.state");
        if ("alarm".equals(kind) && !state.equals("raised") && !state.equals("cleared")) {
            throw new BadBody("$.state: \"" + state + "\" is not raised or cleared");
        }
        JsonNode t = body.get("t");
        if (t == null || !t.canConvertToLong() || t.asLong() <= 0) {
            throw new BadBody("$.t: missing or not a positive Unix time in ms");
        }
        String ch = body.hasNonNull("ch") ? bounded(body.get("ch").asText(), MAX_ID, "$.ch") : null;
        String severity = body.hasNonNull("severity") ? bounded(body.get("severity").asText(), MAX_ID, "$.severity") : null;
        JsonNode v = body.get("v");
        return new Decoded.Event(device, kind, event, ch, state, severity, t.asLong(), v == null ? null : v.toString(),
                body.toString());
    }

    private static String id(JsonNode o, String field, String path) throws BadBody {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new BadBody(path + ": missing or not a non-empty string");
        }
        return bounded(n.asText(), MAX_ID, path);
    }

    private static String bounded(String s, int max, String path) throws BadBody {
        if (s.length() > max) {
            throw new BadBody(path + ": " + s.length() + " characters, at most " + max);
        }
        if (s.indexOf('\u0000') >= 0) {
            throw new BadBody(path + ": contains a NUL character (PostgreSQL text cannot hold it)");
        }
        return s;
    }
}
