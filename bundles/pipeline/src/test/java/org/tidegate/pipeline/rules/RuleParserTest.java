package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

class RuleParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** JSON text written with single quotes (checked to be JSON). */
    static String json(String s) {
        try {
            String text = s.replace('\'', '"');
            JSON.readTree(text);
            return text;
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A channel whose rules are {@code rules} (JSON text; null = none), as DeviceSchema makes it. */
    static Channel channel(String id, DataType type, String rules) {
        return new Channel(id, "hr:0", type, Endian.BIG, Endian.BIG, 0, 1, 0, "m", Access.READ, null, rules);
    }

    static Device device(String id, Channel... channels) {
        return new Device(id, "p", "memory", null, null, 0, List.of(channels), null);
    }

    @Test
    void parsesTheDocumentedWaterLevelExample() {
        String rules = json("""
                { 'deadband': 0.01, 'maxSilentMs': 60000,
                  'thresholds': [ { 'event': 'level_warning', 'above': 3.50, 'hysteresis': 0.05, 'severity': 'warning',
                                    'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] },
                                  { 'event': 'level_danger', 'above': 4.20, 'hysteresis': 0.05, 'severity': 'critical' } ],
                  'rateOfChange': [ { 'event': 'level_rising_fast', 'rise': 0.3, 'windowMs': 600000 } ] }""");
        ChannelRules r = RuleParser.parse("wl-001", "level", rules);
        assertEquals(0.01, r.deadband());
        assertEquals(60000, r.maxSilentMs());
        assertEquals(2, r.thresholds().size());
        ThresholdRule warn = r.thresholds().get(0);
        assertEquals(ThresholdRule.Kind.ABOVE, warn.kind());
        assertEquals(3.50, warn.limit());
        assertEquals(0.05, warn.hysteresis());
        assertEquals(Severity.WARNING, warn.severity());
        assertEquals(List.of(new Action("siren-01", "siren", true, false)), warn.actions(),
                "a boolean action switches back to the opposite value by default");
        assertEquals(Severity.CRITICAL, r.thresholds().get(1).severity());
        RateOfChangeRule rate = r.rates().get(0);
        assertTrue(rate.rising());
        assertEquals(0.3, rate.amount());
        assertEquals(600_000, rate.windowMs());
        assertEquals(0.03, rate.hysteresis(), 1e-12, "default hysteresis is a tenth of the amount");
        assertEquals(Severity.WARNING, rate.severity(), "default severity");
        assertNull(r.accumulate());
    }

    @Test
    void smokeAndRainExamples() {
        ChannelRules smoke = RuleParser.parse("smoke-01", "smoke", json("""
                { 'thresholds': [ { 'event': 'smoke', 'whenTrue': true, 'severity': 'critical',
                  'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] } ] }"""));
        assertEquals(ThresholdRule.Kind.STATE, smoke.thresholds().get(0).kind());
        assertTrue(smoke.thresholds().get(0).whenTrue());
        assertNull(smoke.deadband(), "no deadband: every sample reported");

        ChannelRules rain = RuleParser.parse("rain-01", "rain", json("""
                { 'deadband': 0, 'accumulate': { 'hourly': true, 'daily': true, 'dayStartHour': 8 } }"""));
        AccumulateRule acc = rain.accumulate();
        assertTrue(acc.hourly() && acc.daily() && acc.cumulative());
        assertEquals(ZoneOffset.ofHours(8), acc.zone());
        assertEquals(8, acc.dayStartHour());
        assertEquals(RuleParser.DEFAULT_MAX_SILENT_MS, rain.maxSilentMs(), "a deadband brings a default heartbeat");
    }

    @Test
    void noRulesMeansReportEverything() {
        ChannelRules r = RuleParser.parse("d", "c", null);
        assertNull(r.deadband());
        assertTrue(r.thresholds().isEmpty() && r.rates().isEmpty());
    }

    /** A text value is never above anything: numeric rules on a string channel would never fire, so they are errors. */
    @Test
    void numericRulesOnAStringChannelAreRefused() {
        Channel serial = new Channel("serial", "hr:0", DataType.STRING, Endian.BIG, Endian.BIG, 4, 1, 0, "", Access.READ,
                null, json("""
                        { 'deadband': 1, 'maxSilentMs': 60000, 'thresholds': [ { 'event': 'x', 'above': 1 } ],
                          'rateOfChange': [ { 'event': 'r', 'rise': 1, 'windowMs': 1000 } ] }"""));
        RuleConfigException e = assertThrows(RuleConfigException.class, () -> RuleParser.parse(device("m-1", serial)));
        assertEquals(List.of(
                "device m-1 channel serial: rules.deadband does not apply to a string channel (its values are text, not numbers)",
                "device m-1 channel serial: rules.thresholds[0].above does not apply to a string channel (its values are text, not numbers)",
                "device m-1 channel serial: rules.rateOfChange does not apply to a string channel (its values are text, not numbers)"),
                e.problems());
    }

    @Test
    void errorsNameDeviceChannelAndKey() {
        RuleConfigException e = assertThrows(RuleConfigException.class, () -> RuleParser.parse("wl-001", "level",
                json("{ 'deadband': 0.01, 'maxSilentMS': 1000 }")));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("device wl-001 channel level: rules.maxSilentMS unknown key"),
                e.getMessage());

        e = assertThrows(RuleConfigException.class, () -> RuleParser.parse("wl-001", "level", json("""
                { 'deadband': -1,
                  'thresholds': [ { 'event': 'x', 'above': 1, 'below': 0 }, { 'above': 'high' }, { 'event': 'z', 'below': '2.5' },
                                  { 'event': 'y', 'whenTrue': true, 'hysteresis': 1, 'severity': 'panic' } ],
                  'rateOfChange': [ { 'event': 'r', 'rise': 0.3 } ],
                  'accumulate': { 'counter': 'tips', 'zone': 'Mars', 'dayStartHour': 24 } }""")));
        String all = String.join("\n", e.problems());
        for (String expected : List.of("rules.deadband must be >= 0",
                "rules.thresholds[0] needs exactly one of",
                "rules.thresholds[1].event is required",
                "rules.thresholds[1].above must be a number (got \"high\")",
                "rules.thresholds[2].below must be a number (got \"2.5\"); hint: write the number without quotes: 2.5",
                "rules.thresholds[3].hysteresis does not apply",
                "rules.thresholds[3].severity must be one of info, warning, major, critical (got \"panic\")",
                "rules.rateOfChange[0].windowMs is required",
                "rules.accumulate.counter must be \"cumulative\" or \"interval\"",
                "rules.accumulate.zone must be a UTC offset",
                "rules.accumulate.dayStartHour must be a whole hour")) {
            assertTrue(all.contains(expected), "missing <" + expected + "> in\n" + all);
        }
        e.problems().forEach(p -> assertTrue(p.startsWith("device wl-001 channel level: "), p));
    }

    @Test
    void actionsNeedTargetAndValue() {
        RuleConfigException e = assertThrows(RuleConfigException.class, () -> RuleParser.parse("d", "c", json("""
                { 'thresholds': [ { 'event': 'e', 'above': 1, 'actions': [ { 'device': 'siren-01' }, 'on' ] } ] }""")));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("rules.thresholds[0].actions[0].channel is required"), all);
        assertTrue(all.contains("rules.thresholds[0].actions[0].value is required"), all);
        assertTrue(all.contains("rules.thresholds[0].actions[1] must be an object"), all);
    }

    @Test
    void numericActionWithoutClearValueLeavesOutputAlone() {
        ChannelRules r = RuleParser.parse("d", "c", json("""
                { 'thresholds': [ { 'event': 'e', 'below': 1,
                  'actions': [ { 'device': 'pump', 'channel': 'speed', 'value': 0 },
                               { 'device': 'pump', 'channel': 'mode', 'value': 2, 'clearValue': 1 } ] } ] }"""));
        assertNull(r.thresholds().get(0).actions().get(0).clearValue());
        assertEquals(1, ((Number) r.thresholds().get(0).actions().get(1).clearValue()).intValue());
    }

    @Test
    void deviceParseRejectsDuplicateEventNamesAcrossChannels() {
        Device d = device("pm-001",
                channel("ua", DataType.FLOAT32, json("{ 'thresholds': [ { 'event': 'overvoltage', 'above': 250 } ] }")),
                channel("ub", DataType.FLOAT32, json("{ 'thresholds': [ { 'event': 'overvoltage', 'above': 250 } ] }")),
                channel("uc", DataType.FLOAT32, null));
        RuleConfigException e = assertThrows(RuleConfigException.class, () -> RuleParser.parse(d));
        assertTrue(e.getMessage().contains("device pm-001 channel ub: rules event \"overvoltage\" is used twice"),
                e.getMessage());
    }

    @Test
    void rulesMustBeAnObject() {
        RuleConfigException e = assertThrows(RuleConfigException.class,
                () -> RuleParser.parse(device("d", new Channel("c", "hr:0", DataType.INT16, null, null, 0, 1, 0, "",
                        null, null, "[1]"))));
        assertEquals("device d channel c: rules must be an object", e.getMessage());
    }

    @Test
    void aTypoAtEveryDepthIsRefusedWithItsPathAndAHint() {
        RuleConfigException e = assertThrows(RuleConfigException.class, () -> RuleParser.parse("wl-001", "level", json("""
                { 'deadband': 0.01, 'maxSilentMS': 1000,
                  'thresholds': [ { 'event': 'w', 'above': 3.5 },
                                  { 'event': 'd', 'abvoe': 4.2, 'severity': 'critcal',
                                    'actions': [ { 'device': 'siren-01', 'chanel': 'siren', 'value': true } ] } ],
                  'rateOfChange': [ { 'event': 'r', 'rise': 0.3, 'windowMS': 600000 } ],
                  'accumulate': { 'dayStartHr': 8, 'counter': 'cumulativ' } }""")));
        String all = String.join("\n", e.problems());
        for (String expected : List.of(
                "device wl-001 channel level: rules.maxSilentMS unknown key (did you mean \"maxSilentMs\"?); known keys: "
                        + "[accumulate, deadband, maxSilentMs, rateOfChange, thresholds]",
                "device wl-001 channel level: rules.thresholds[1].abvoe unknown key (did you mean \"above\"?)",
                "device wl-001 channel level: rules.thresholds[1] needs exactly one of \"above\", \"below\" or \"whenTrue\"",
                "device wl-001 channel level: rules.thresholds[1].severity must be one of info, warning, major, critical"
                        + " (got \"critcal\") (did you mean \"critical\"?)",
                "device wl-001 channel level: rules.thresholds[1].actions[0].chanel unknown key (did you mean \"channel\"?)",
                "device wl-001 channel level: rules.thresholds[1].actions[0].channel is required",
                "device wl-001 channel level: rules.rateOfChange[0].windowMS unknown key (did you mean \"windowMs\"?)",
                "device wl-001 channel level: rules.rateOfChange[0].windowMs is required: a number",
                "device wl-001 channel level: rules.accumulate.dayStartHr unknown key (did you mean \"dayStartHour\"?)",
                "device wl-001 channel level: rules.accumulate.counter must be \"cumulative\" or \"interval\""
                        + " (did you mean \"cumulative\"?)")) {
            assertTrue(all.contains(expected), "missing <" + expected + "> in\n" + all);
        }
        assertEquals(10, e.problems().size(), all);
    }

    @Test
    void rulesTextThatIsNotJsonIsAProblemNotACrash() {
        RuleConfigException e = assertThrows(RuleConfigException.class,
                () -> RuleParser.parse("d", "c", "{ \"deadband\": }"));
        assertTrue(e.getMessage().startsWith("device d channel c: rules is not valid JSON: line 1"), e.getMessage());
        assertNull(RuleParser.parse("d", "c", "").deadband(), "empty text: no rules");
    }

    @Test
    void severityIgnoresCaseAndValuesKeepTheirJsonType() {
        ChannelRules r = RuleParser.parse("d", "c", json("""
                { 'thresholds': [ { 'event': 'e', 'above': 1, 'severity': 'MAJOR',
                  'actions': [ { 'device': 'pump', 'channel': 'mode', 'value': 'auto', 'clearValue': 1.5 } ] } ] }"""));
        assertEquals(Severity.MAJOR, r.thresholds().get(0).severity());
        assertEquals(new Action("pump", "mode", "auto", 1.5), r.thresholds().get(0).actions().get(0));
    }
}
