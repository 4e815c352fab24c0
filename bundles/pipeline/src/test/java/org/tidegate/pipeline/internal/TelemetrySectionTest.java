package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.crypto.internal.SecuritySection;
import org.tidegate.pipeline.PipelineSettings;

/** The telemetry section read from ConfigAdmin properties goes through the schema: same defaults, same checks. */
class TelemetrySectionTest {

    @Test
    void whatTheConfigBundleWritesReadsBackAsTheSameSettings() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode section = ConfigNode.at("gateway.json", "$.telemetry", ConfigNode.mapper().valueToTree(Map.of(
                "batchPolls", 3, "statusIntervalSeconds", 60, "deflateMinBytes", 512)), problems);
        Map<String, Object> props = new LinkedHashMap<>(new TelemetrySection().properties(section,
                new HomeInfo(Path.of("/srv/gw"), "gw-1", n -> null)));
        section.reportUnknownKeys();
        assertEquals(0, problems.errorCount(), problems.describeErrors());
        props.put("gatewayId", "gw-1");
        props.put("home", "/srv/gw");
        props.put("tidegate.source", "gateway.json");
        props.put("deflateMinBytes", 512L);
        props.put("service.pid", TelemetrySection.PID);
        props.put("component.name", PipelineComponent.class.getName());
        props.put("component.id", 3L);
        props.put("osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)");

        assertEquals(new PipelineSettings("gw-1", 3, TelemetrySection.DEFAULT_HAND_OFF_CAPACITY, 60_000,
                TelemetrySection.DEFAULT_ACTION_RETRY_MS), TelemetrySection.read(props));
    }

    @Test
    void defaultsAreTheSchemasEverywhere() {
        assertEquals(PipelineSettings.defaults("gw"), TelemetrySection.read(Map.of("gatewayId", "gw")));
        PipelineComponent.Config c = PipelineComponentTest.config(Map.of());
        PipelineSettings d = PipelineSettings.defaults("gw");
        assertEquals(d.batchPolls(), c.batchPolls());
        assertEquals(d.statusIntervalMs(), c.statusIntervalSeconds() * 1000);
        assertEquals(d.routineQueue(), c.handOffCapacity());
        assertEquals(d.actionRetryMs(), c.actionRetryMs());
    }

    @Test
    void aConfigurationPutStraightIntoConfigAdminGetsTheSchemasChecks() {
        String m = assertThrows(IllegalArgumentException.class, () -> TelemetrySection.read(Map.of(
                "gatewayId", "gw", "batchPolls", 0, "handOffCapacity", "many", "statusIntervalSecs", 10,
                "actionRetryMs", 1.5))).getMessage();
        assertTrue(m.startsWith("configuration " + TelemetrySection.PID + ": "), m);
        assertTrue(m.contains("$.batchPolls: 0 is out of range 1–3600"), m);
        assertTrue(m.contains("$.handOffCapacity: must be an integer, not a string"), m);
        assertTrue(m.contains("$.statusIntervalSecs: unknown key (did you mean \"statusIntervalSeconds\"?)"), m);
        assertTrue(m.contains("$.actionRetryMs: must be an integer"), m);
        String noId = assertThrows(IllegalArgumentException.class, () -> TelemetrySection.read(Map.of()))
                .getMessage();
        assertTrue(noId.contains("$.gatewayId: is required"), noId);
    }

    /** docs/configuration.md's telemetry rows state the schema's ranges (a test in config compares the defaults). */
    @Test
    void documentedRangesAreTheSchemas() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("../../docs/configuration.md"));
        String table = doc.substring(doc.indexOf("### `telemetry`"));
        table = table.substring(0, table.indexOf("\n#", 1));
        assertRange(table, "batchPolls", TelemetrySection.MIN_BATCH_POLLS, TelemetrySection.MAX_BATCH_POLLS);
        assertRange(table, "statusIntervalSeconds", TelemetrySection.MIN_STATUS_INTERVAL_SECONDS,
                TelemetrySection.MAX_STATUS_INTERVAL_SECONDS);
        assertRange(table, "handOffCapacity", TelemetrySection.MIN_HAND_OFF_CAPACITY,
                TelemetrySection.MAX_HAND_OFF_CAPACITY);
        assertRange(table, "actionRetryMs", TelemetrySection.MIN_ACTION_RETRY_MS, TelemetrySection.MAX_ACTION_RETRY_MS);
        // The sealer's key in this section, checked by the security section's schema (bundles/crypto).
        assertRange(table, "deflateMinBytes", SecuritySection.MIN_DEFLATE_MIN_BYTES,
                SecuritySection.MAX_DEFLATE_MIN_BYTES);
    }

    private static void assertRange(String table, String key, long min, long max) {
        String row = table.lines().filter(l -> l.startsWith("| `" + key + "`")).findFirst()
                .orElseThrow(() -> new AssertionError(key + ": no row in the telemetry table"));
        assertTrue(row.contains(min + "–" + max), key + ": the row does not state " + min + "–" + max + ": " + row);
    }
}
