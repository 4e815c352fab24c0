package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;

class DeviceRulesTest {
    private final Device wl = RuleParserTest.device("wl-001",
            RuleParserTest.channel("level", DataType.FLOAT32, RuleParserTest.json("""
                    { 'deadband': 0.5, 'maxSilentMs': 0,
                      'thresholds': [ { 'event': 'level_warning', 'above': 3.5, 'hysteresis': 0.05 } ] }""")),
            RuleParserTest.channel("status", DataType.UINT16, null));

    private static SampleBatch poll(long t, double level) {
        return new SampleBatch("wl-001", t, List.of(Sample.good("wl-001", "level", t, level, "m"),
                Sample.good("wl-001", "status", t, 0L, "")));
    }

    @Test
    void alarmTransitionForcesItsSampleIntoTelemetryAndUnruledChannelsReportEverything() {
        DeviceRules rules = DeviceRules.of(wl);
        Evaluation first = rules.evaluate(poll(0, 3.3));
        assertEquals(List.of("level", "status"), first.telemetry().stream().map(Sample::channel).toList());
        Evaluation inBand = rules.evaluate(poll(1000, 3.4));
        assertEquals(List.of("status"), inBand.telemetry().stream().map(Sample::channel).toList(),
                "0.1 m is inside the 0.5 m deadband");
        Evaluation crossing = rules.evaluate(poll(2000, 3.5));
        assertEquals(1, crossing.alarms().size());
        assertEquals(List.of("level", "status"), crossing.telemetry().stream().map(Sample::channel).toList(),
                "the sample that raised the alarm is reported although it is inside the deadband");
        assertEquals(3.5, crossing.telemetry().get(0).value());
    }

    @Test
    void samplesOfUnknownChannelsPassThrough() {
        DeviceRules rules = new DeviceRules("x", java.util.Map.of());
        Evaluation e = rules.evaluate(new SampleBatch("x", 0, List.of(Sample.good("x", "a", 0, 1L, ""),
                Sample.good("x", "a", 1, 1L, ""))));
        assertEquals(2, e.telemetry().size());
    }

    @Test
    void reloadKeepsStateOfUnchangedChannelsAndRaisedAlarmsOfChangedOnes() {
        DeviceRules before = DeviceRules.of(wl);
        before.evaluate(poll(0, 3.6));
        assertEquals(List.of("level_warning"), before.raised().stream().map(AlarmEvent::event).toList());

        DeviceRules same = DeviceRules.of(wl);
        assertEquals(List.of(), same.takeOver(before));
        Evaluation e = same.evaluate(poll(1000, 3.6));
        assertEquals(List.of(), e.alarms(), "still raised: no second raise after a reload");
        assertEquals(List.of("status"), e.telemetry().stream().map(Sample::channel).toList(), "deadband state kept");

        Device moved = RuleParserTest.device("wl-001",
                RuleParserTest.channel("level", DataType.FLOAT32, RuleParserTest.json("""
                        { 'thresholds': [ { 'event': 'level_warning', 'above': 3.4, 'hysteresis': 0.05 } ] }""")),
                RuleParserTest.channel("status", DataType.UINT16, null));
        DeviceRules changed = DeviceRules.of(moved);
        assertEquals(List.of(), changed.takeOver(same));
        assertEquals(List.of(), changed.evaluate(poll(2000, 3.5)).alarms(), "raised state carried over");
        assertEquals("cleared", changed.evaluate(poll(3000, 3.0)).alarms().get(0).state(), "and clears normally");
        changed.evaluate(poll(4000, 3.6));

        Device without = RuleParserTest.device("wl-001", RuleParserTest.channel("level", DataType.FLOAT32, null),
                RuleParserTest.channel("status", DataType.UINT16, null));
        List<AlarmEvent> orphans = DeviceRules.of(without).takeOver(changed);
        assertEquals(List.of("level_warning"), orphans.stream().map(AlarmEvent::event).toList(),
                "a raised alarm whose rule is gone is handed back to be cleared");
    }
}
