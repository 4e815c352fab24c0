package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.pipeline.rules.Action;
import org.tidegate.pipeline.rules.ActionCommand;
import org.tidegate.pipeline.rules.AlarmEvent;
import org.tidegate.pipeline.rules.Severity;

class BodyEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode parse(byte[] body) throws Exception {
        return JSON.readTree(body);
    }

    @Test
    void telemetryBodyIsTheEnvelopeSpecExample() throws Exception {
        byte[] body = BodyEncoder.telemetry("gw-zj-0001", "wl-001",
                List.of(Sample.good("wl-001", "level", 1732272000123L, 2.37, "m")));
        assertEquals("{\"gateway\":\"gw-zj-0001\",\"device\":\"wl-001\",\"samples\":[{\"ch\":\"level\","
                        + "\"t\":1732272000123,\"v\":2.37,\"u\":\"m\",\"q\":\"good\"}]}",
                new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void valuesOfEveryTypeAndBadSamples() throws Exception {
        double float32Reading = (double) 2.37f; // 2.369999885559082 as a double
        JsonNode n = parse(BodyEncoder.telemetry("gw", "d", List.of(
                Sample.good("d", "f", 1, float32Reading, "m"),
                Sample.good("d", "l", 2, 123456789012L, ""),
                Sample.good("d", "b", 3, true, ""),
                Sample.good("d", "s", 4, "SN-1 \"x\"", ""),
                Sample.bad("d", "x", 5, "V", "timeout: no answer in 300 ms"),
                Sample.good("d", "n", 6, Double.NaN, ""),
                Sample.good("d", "p", 7, 0.1 + 0.2, ""))));
        JsonNode s = n.get("samples");
        assertEquals("2.37", s.get(0).get("v").asText(), "float32 readings print in their short form");
        assertEquals(123456789012L, s.get(1).get("v").asLong());
        assertTrue(s.get(2).get("v").asBoolean());
        assertEquals("SN-1 \"x\"", s.get(3).get("v").asText());
        assertTrue(s.get(4).get("v").isNull());
        assertEquals("bad", s.get(4).get("q").asText());
        assertEquals("timeout: no answer in 300 ms", s.get(4).get("e").asText());
        assertEquals("V", s.get(4).get("u").asText());
        assertTrue(s.get(5).get("v").isNull(), "JSON has no NaN");
        assertEquals("bad", s.get(5).get("q").asText());
        assertEquals(0.30000000000000004, s.get(6).get("v").asDouble(), 0, "doubles keep full precision");
        assertFalse(s.get(0).has("e"));
    }

    @Test
    void alarmBody() throws Exception {
        AlarmEvent e = new AlarmEvent("wl-001", "level", "level_rising_fast", true, Severity.WARNING, 1000, 2.3,
                "rise", 0.3, 0.03, 600_000, 0.3, List.of(new Action("siren-01", "siren", true, false)));
        JsonNode n = parse(BodyEncoder.alarm("gw", e));
        assertEquals("gw", n.get("gateway").asText());
        assertEquals("wl-001", n.get("device").asText());
        assertEquals("alarm", n.get("kind").asText());
        assertEquals("level_rising_fast", n.get("event").asText());
        assertEquals("level", n.get("ch").asText());
        assertEquals(1000, n.get("t").asLong());
        assertEquals(2.3, n.get("v").asDouble());
        assertEquals("raised", n.get("state").asText());
        assertEquals("warning", n.get("severity").asText());
        assertEquals("rise", n.get("rule").asText());
        assertEquals(0.3, n.get("limit").asDouble());
        assertEquals(600_000, n.get("windowMs").asLong());
        assertEquals(0.3, n.get("change").asDouble());
        assertEquals("siren-01/siren", n.get("actions").get(0).asText());
    }

    @Test
    void actionBody() throws Exception {
        AlarmEvent cause = new AlarmEvent("smoke-01", "smoke", "smoke", true, Severity.CRITICAL, 500, true, "state",
                null, 0, 0, null, List.of());
        ActionCommand c = new ActionCommand(new Action("siren-01", "siren", true, false), true, true, cause, 1);
        JsonNode ok = parse(BodyEncoder.action("gw", c, 600, 1, null));
        assertEquals("siren-01", ok.get("device").asText());
        assertEquals("action", ok.get("kind").asText());
        assertEquals("siren", ok.get("ch").asText());
        assertTrue(ok.get("v").asBoolean());
        assertEquals("done", ok.get("state").asText());
        assertEquals("critical", ok.get("severity").asText());
        assertEquals("smoke-01", ok.get("cause").get("device").asText());
        assertEquals("smoke", ok.get("cause").get("event").asText());
        assertEquals("raised", ok.get("cause").get("state").asText());
        assertFalse(ok.has("error"));
        JsonNode failed = parse(BodyEncoder.action("gw", c, 600, 1, "device siren-01 is not running"));
        assertEquals("failed", failed.get("state").asText());
        assertEquals("device siren-01 is not running", failed.get("error").asText());
    }

    @Test
    void statusBody() throws Exception {
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("messages", 12L);
        queue.put("byPriority", new long[] {0, 0, 0, 0, 10, 0, 0, 0, 0, 2});
        queue.put("evicted", Map.of("capacity-bytes", 3L));
        JsonNode n = parse(BodyEncoder.status("gw", 99, List.of(
                        new DeviceHealth("wl-001", "down", 10, 4, 0, 90, 300, "level timeout", 80)),
                Map.of("wl-001", Set.of("level_warning")), queue, Map.of("dropped", 0L)));
        assertEquals("status", n.get("kind").asText());
        JsonNode d = n.get("devices").get(0);
        assertEquals("down", d.get("state").asText());
        assertEquals("level timeout", d.get("lastError").asText());
        assertEquals(80, d.get("lastErrorAt").asLong());
        assertEquals("level_warning", d.get("alarms").get(0).asText());
        assertEquals(12, n.get("queue").get("messages").asLong());
        assertEquals(2, n.get("queue").get("byPriority").get(9).asLong());
        assertEquals(3, n.get("queue").get("evicted").get("capacity-bytes").asLong());
        assertEquals(0, n.get("pipeline").get("dropped").asLong());
    }
}
