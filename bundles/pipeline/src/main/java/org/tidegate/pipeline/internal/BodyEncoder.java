package org.tidegate.pipeline.internal;

import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.body.JsonNumbers;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.outbox.StatusBody;
import org.tidegate.pipeline.rules.ActionCommand;
import org.tidegate.pipeline.rules.AlarmEvent;

/**
 * Writes the plain (UTF-8 JSON) bodies that go inside the envelope, as documented in docs/edge-rules.md.
 * Pure functions of their arguments.
 */
public final class BodyEncoder {
    private static final JsonFactory JSON = new JsonFactory();

    private BodyEncoder() {
    }

    /**
     * The telemetry body, in the compact binary form ({@link CompactTelemetry}) when asked for and possible (a
     * channel whose values mix kinds in one message falls back to JSON), else JSON.
     */
    public static byte[] telemetry(String gateway, String device, List<Sample> samples, boolean compact) {
        if (compact) {
            byte[] b = CompactTelemetry.encode(gateway, device, samples);
            if (b != null) {
                return b;
            }
        }
        return telemetry(gateway, device, samples);
    }

    /** {@code {"gateway","device","samples":[{"ch","t","v","u","q"[,"e"]}]}}. */
    public static byte[] telemetry(String gateway, String device, List<Sample> samples) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("gateway", gateway);
            g.writeStringField("device", device);
            g.writeArrayFieldStart("samples");
            for (Sample s : samples) {
                g.writeStartObject();
                g.writeStringField("ch", s.channel());
                g.writeNumberField("t", s.timestamp());
                g.writeFieldName("v");
                boolean finite = value(g, s.value());
                g.writeStringField("u", s.unit());
                if (finite) {
                    g.writeStringField("q", s.quality().wireName());
                    if (!s.detail().isEmpty()) {
                        g.writeStringField("e", s.detail());
                    }
                } else {
                    g.writeStringField("q", "bad");
                    g.writeStringField("e", "value not finite: " + s.value());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** An alarm raised or cleared; see docs/edge-rules.md. */
    public static byte[] alarm(String gateway, AlarmEvent e) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("gateway", gateway);
            g.writeStringField("device", e.device());
            g.writeStringField("kind", "alarm");
            g.writeStringField("event", e.event());
            g.writeStringField("ch", e.channel());
            g.writeNumberField("t", e.t());
            g.writeFieldName("v");
            value(g, e.value());
            g.writeStringField("state", e.state());
            g.writeStringField("severity", e.severity().wireName());
            g.writeStringField("rule", e.rule());
            if (e.limit() != null) {
                g.writeNumberField("limit", e.limit());
            }
            if (e.hysteresis() > 0) {
                g.writeNumberField("hysteresis", e.hysteresis());
            }
            if (e.windowMs() > 0) {
                g.writeNumberField("windowMs", e.windowMs());
            }
            if (e.change() != null) {
                g.writeNumberField("change", e.change());
            }
            if (!e.actions().isEmpty()) {
                g.writeArrayFieldStart("actions");
                for (var a : e.actions()) {
                    g.writeString(a.target());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    /** The outcome of a local action; {@code error} null when it succeeded. */
    public static byte[] action(String gateway, ActionCommand c, long t, int attempt, String error) {
        return write(g -> {
            AlarmEvent cause = c.cause();
            g.writeStartObject();
            g.writeStringField("gateway", gateway);
            g.writeStringField("device", c.action().device());
            g.writeStringField("kind", "action");
            g.writeStringField("event", "action");
            g.writeStringField("ch", c.action().channel());
            g.writeNumberField("t", t);
            g.writeFieldName("v");
            value(g, c.value());
            g.writeStringField("state", error == null ? "done" : "failed");
            g.writeStringField("severity", cause.severity().wireName());
            g.writeNumberField("attempt", attempt);
            if (error != null) {
                g.writeStringField("error", error);
            }
            g.writeObjectFieldStart("cause");
            g.writeStringField("device", cause.device());
            g.writeStringField("ch", cause.channel());
            g.writeStringField("event", cause.event());
            g.writeStringField("state", cause.state());
            g.writeNumberField("t", cause.t());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * The periodic gateway status: device health with active alarms, queue and pipeline counters, built by the
     * one status builder ({@link StatusBody}) so it has the same shape as the uplink's {@code online} message.
     */
    public static byte[] status(String gateway, long t, Collection<DeviceHealth> devices,
                                Map<String, ? extends Collection<String>> activeAlarms,
                                Map<String, Object> queue, Map<String, Object> pipeline) {
        return StatusBody.periodic(gateway, t).devices(devices, activeAlarms).queue(queue)
                .section("pipeline", pipeline).toBytes();
    }

    /** Writes a sample value; returns false (and writes null) when it is a non-finite number JSON cannot carry. */
    private static boolean value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                g.writeNull();
                return false;
            }
            if (JsonNumbers.shortest(d) instanceof Float f) {
                g.writeNumber(f);
            } else {
                g.writeNumber(d);
            }
        } else {
            g.writeString(v.toString());
        }
        return true;
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode body", e);
        }
        return out.toByteArray();
    }
}
