package org.tidegate.ingest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tidegate.cloud.BodyReader;
import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.model.Sample;
import org.tidegate.crypto.Opened;

/**
 * Turns the body of an opened envelope into the rows it stores (envelope spec, "Body"; docs/edge-rules.md for
 * alarms). Bounded: at most {@value #MAX_SAMPLES} samples per envelope, ids and channels of at most
 * {@value #MAX_ID} characters, units of {@value #MAX_UNIT}, text values of {@value #MAX_TEXT}. A body that does not
 * fit is refused with the JSON path of the first problem; the envelope then goes to the audit table whole.
 *
 * <p>A sample's {@code v} may be {@code null} when its {@code q} is {@code bad} or {@code stale}: the gateway's
 * encoders write a failed read (timeout, exception code) that way, and it is stored as a reading without value.
 * A good sample needs a value.
 *
 * <p>Telemetry, nearly everything the ingest receives, has a fast way ({@link #telemetryFast}): a compact body
 * straight from its decoder, a JSON body with Jackson's streaming parser, no tree. It accepts only what it is sure
 * of (fields of the expected JSON types, no repeated field, {@code device} before {@code samples}) and gives up on
 * anything else, which then takes the general way ({@link #parse} and {@link #decode}): so both ways store the
 * same rows, and every refusal has the general way's wording.
 */
final class BodyDecoder {
    static final int MAX_SAMPLES = 10_000;
    static final int MAX_ID = 64;
    static final int MAX_UNIT = 32;
    static final int MAX_TEXT = 4096;
    private static final Set<String> QUALITIES = Set.of("good", "bad", "stale");
    private static final JsonFactory JSON = new JsonFactory();

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
            String q = s.hasNonNull("q") ? s.get("q").asText() : "good";
            if (v == null) {
                throw new BadBody(path + ".v: missing (a number, boolean or string)");
            } else if (v.isNull()) {
                if (!valueMayLack(q)) {
                    throw new BadBody(path + ".v: null in a sample of quality \"" + q + "\" (a number, boolean or"
                            + " string; only a bad or stale sample may lack its value)");
                }
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
            if (!QUALITIES.contains(q)) {
                throw new BadBody(path + ".q: \"" + q + "\" is not one of good, bad, stale");
            }
            readings.add(new Reading(device, ch, t.asLong(), num, bool, text, unit, q));
        }
        return new Decoded.Telemetry(device, readings);
    }

    /** A failed read: the gateway sends it with {@code "v": null}. */
    private static boolean valueMayLack(String quality) {
        return "bad".equals(quality) || "stale".equals(quality);
    }

    /**
     * A telemetry body the fast way, or null if it is not plainly well-formed (the caller then takes the general
     * way, which stores the same or refuses with the path at fault).
     */
    static Decoded.Telemetry telemetryFast(byte[] body) {
        try {
            return CompactTelemetry.isCompact(body) ? compactFast(body) : jsonFast(body);
        } catch (IOException | RuntimeException notPlain) {
            return null;
        }
    }

    /** As {@link BodyReader#toJson} then {@link #telemetry} would, without the tree. */
    private static Decoded.Telemetry compactFast(byte[] body) {
        CompactTelemetry.Body b = CompactTelemetry.decode(body);
        String device = b.device();
        if (!plainId(device) || b.samples().size() > MAX_SAMPLES) {
            return null;
        }
        List<Reading> readings = new ArrayList<>(b.samples().size());
        for (Sample s : b.samples()) {
            Object v = s.value();
            String q = s.quality().wireName();
            Double num = null;
            Boolean bool = null;
            String text = null;
            if (v == null) {
                if (!valueMayLack(q)) {
                    return null;
                }
            } else if (v instanceof Boolean x) {
                bool = x;
            } else if (v instanceof Long || v instanceof Double) {
                num = ((Number) v).doubleValue(); // a float32 value is exact as a double: what the tree would give
            } else {
                text = v.toString();
                if (!plain(text, MAX_TEXT)) {
                    return null;
                }
            }
            if (!plainId(s.channel()) || s.timestamp() <= 0 || !plain(s.unit(), MAX_UNIT) || !QUALITIES.contains(q)) {
                return null;
            }
            readings.add(new Reading(device, s.channel(), s.timestamp(), num, bool, text, s.unit(), q));
        }
        return new Decoded.Telemetry(device, readings);
    }

    private static Decoded.Telemetry jsonFast(byte[] body) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String device = null;
            List<Reading> readings = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("device")) {
                    if (device != null || value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    device = p.getText();
                    if (!plainId(device)) {
                        return null;
                    }
                } else if (name.equals("samples")) {
                    if (device == null || readings != null || value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    readings = samplesFast(p, device);
                    if (readings == null) {
                        return null;
                    }
                } else {
                    p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT && readings != null ? new Decoded.Telemetry(device, readings) : null;
        }
    }

    /** The samples array, the parser on its START_ARRAY; null if any sample is not plainly well-formed. */
    private static List<Reading> samplesFast(JsonParser p, String device) throws IOException {
        List<Reading> readings = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            if (readings.size() == MAX_SAMPLES) {
                return null;
            }
            String ch = null;
            long time = 0;
            boolean hasValue = false;
            Double num = null;
            Boolean bool = null;
            String text = null;
            String unit = null;
            String q = null;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "ch" -> {
                        if (ch != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        ch = p.getText();
                    }
                    case "t" -> {
                        if (time != 0 || v != JsonToken.VALUE_NUMBER_INT || !longSized(p)) {
                            return null;
                        }
                        time = p.getLongValue();
                        if (time <= 0) {
                            return null;
                        }
                    }
                    case "v" -> {
                        if (hasValue) {
                            return null;
                        }
                        hasValue = true;
                        switch (v) {
                            case VALUE_NUMBER_INT -> {
                                if (!longSized(p)) {
                                    return null;
                                }
                                num = (double) p.getLongValue();
                            }
                            case VALUE_NUMBER_FLOAT -> num = p.getDoubleValue();
                            case VALUE_TRUE -> bool = Boolean.TRUE;
                            case VALUE_FALSE -> bool = Boolean.FALSE;
                            case VALUE_STRING -> text = p.getText();
                            case VALUE_NULL -> { }
                            default -> {
                                return null;
                            }
                        }
                    }
                    case "u" -> {
                        if (unit != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        unit = p.getText();
                    }
                    case "q" -> {
                        if (q != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        q = p.getText();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return null;
            }
            unit = unit == null ? "" : unit;
            q = q == null ? "good" : q;
            boolean valueLacks = num == null && bool == null && text == null;
            if (!plainId(ch) || time == 0 || !hasValue || (valueLacks && !valueMayLack(q))
                    || (text != null && !plain(text, MAX_TEXT)) || !plain(unit, MAX_UNIT) || !QUALITIES.contains(q)) {
                return null;
            }
            readings.add(new Reading(device, ch, time, num, bool, text, unit, q));
        }
        return t == JsonToken.END_ARRAY ? readings : null;
    }

    /** An integer token that fits a long (the tree's IntNode or LongNode, not a BigIntegerNode). */
    private static boolean longSized(JsonParser p) throws IOException {
        JsonParser.NumberType n = p.getNumberType();
        return n == JsonParser.NumberType.INT || n == JsonParser.NumberType.LONG;
    }

    /** What {@link #id} accepts. */
    private static boolean plainId(String s) {
        return s != null && !s.isEmpty() && plain(s, MAX_ID);
    }

    /** What {@link #bounded} accepts. */
    private static boolean plain(String s, int max) {
        return s.length() <= max && s.indexOf('\u0000') < 0;
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
