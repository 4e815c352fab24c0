package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.config.HomeCheck.DecodedDevice;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.DeviceSettings;

/**
 * The rules of a home as {@code tidegate validate} checks them: devices decoded by {@link DeviceSchema} with a
 * tiny driver schema, {@link RulesCheck} found through the SPI, then unknown keys reported on the whole document.
 */
class RulesCheckTest {
    /** A driver that knows {@code address}, {@code type} and {@code access}. */
    static final DriverSchema TEST_DRIVER = new DriverSchema() {
        @Override
        public String protocol() {
            return "test";
        }

        @Override
        public boolean connectionRequired() {
            return false;
        }

        @Override
        public DeviceSettings device(ConfigNode connection, ConfigNode options) {
            return DeviceSettings.NONE;
        }

        @Override
        public ChannelSpec channel(ConfigNode channel, DeviceSettings device) {
            return new ChannelSpec(channel.string("address", true, ""), CommonKeys.dataType(channel, DataType.FLOAT64),
                    null, null, 0, CommonKeys.access(channel), null);
        }
    };

    static final String SIREN = """
            { "id": "siren-01", "protocol": "test",
              "channels": [ { "id": "siren", "address": "gpio:27", "type": "bool", "access": "readwrite" },
                            { "id": "status", "address": "gpio:22", "type": "bool" } ] }""";

    private final ConfigProblems problems = new ConfigProblems();
    private final List<ConfigNode> roots = new ArrayList<>();

    private List<String> check(String... files) {
        List<DecodedDevice> devices = new ArrayList<>();
        for (int i = 0; i < files.length; i += 2) {
            ConfigNode root = ConfigNode.parse(files[i], files[i + 1], problems);
            roots.add(root);
            devices.add(new DecodedDevice(DeviceSchema.read(root, TEST_DRIVER), root));
        }
        for (HomeCheck c : ServiceLoader.load(HomeCheck.class)) {
            c.check(devices);
        }
        roots.forEach(ConfigNode::reportUnknownKeys);
        return problems.errors().stream().map(ConfigProblem::toString).toList();
    }

    private static String level(String rules) {
        return """
                { "id": "wl-001", "protocol": "test",
                  "channels": [ { "id": "level", "address": "hr:0", "unit": "m", "rules": %s } ] }"""
                .formatted(rules.replace('\'', '"'));
    }

    @Test
    void rulesCheckIsFoundThroughTheServiceFile() {
        List<Class<?>> found = new ArrayList<>();
        ServiceLoader.load(HomeCheck.class).forEach(c -> found.add(c.getClass()));
        assertTrue(found.contains(RulesCheck.class), found::toString);
    }

    @Test
    void validRulesAndTargetsPass() {
        assertEquals(List.of(), check("devices/wl-001.json", level("""
                { 'deadband': 0.01, 'thresholds': [ { 'event': 'level_warning', 'above': 3.5,
                  'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] } ] }"""),
                "devices/siren-01.json", SIREN));
    }

    @Test
    void everyActionTargetIsCheckedAtItsPath() {
        List<String> got = check("devices/wl-001.json", level("""
                { 'thresholds': [ { 'event': 'level_warning', 'above': 3.5, 'actions': [
                    { 'device': 'siren-01', 'channel': 'siren', 'value': true },
                    { 'device': 'siren-9', 'channel': 'siren', 'value': true },
                    { 'device': 'siren-01', 'channel': 'sirne', 'value': true } ] } ],
                  'rateOfChange': [ { 'event': 'fast', 'rise': 0.3, 'windowMs': 600000,
                    'actions': [ { 'device': 'siren-01', 'channel': 'status', 'value': true } ] } ] }"""),
                "devices/siren-01.json", SIREN);
        assertEquals(List.of(
                "devices/wl-001.json: $.channels[0].rules.thresholds[0].actions[1].device: action targets device "
                        + "\"siren-9\", which is not configured (or disabled) (did you mean \"siren-01\"?)",
                "devices/wl-001.json: $.channels[0].rules.thresholds[0].actions[2].channel: action targets "
                        + "siren-01/sirne, which has no such channel (did you mean \"siren\"?)",
                "devices/wl-001.json: $.channels[0].rules.rateOfChange[0].actions[0].channel: action targets "
                        + "siren-01/status, which is read-only"), got);
    }

    /** An action value the target's type cannot hold would fail at every attempt: validate refuses it. */
    @Test
    void anActionValueTheTargetCannotTakeIsRefusedAtItsPath() {
        String pump = """
                { "id": "pump-01", "protocol": "test",
                  "channels": [ { "id": "run", "address": "coil:0", "type": "bool", "access": "readwrite" },
                                { "id": "speed", "address": "hr:0", "type": "uint16", "access": "readwrite" },
                                { "id": "setpoint", "address": "hr:1", "type": "uint16", "scale": 0.1, "access": "readwrite" },
                                { "id": "flow", "address": "hr:2", "type": "float32", "access": "readwrite" } ] }""";
        List<String> got = check("devices/wl-001.json", level("""
                { 'thresholds': [ { 'event': 'level_warning', 'above': 3.5, 'actions': [
                    { 'device': 'pump-01', 'channel': 'run', 'value': 'on' },
                    { 'device': 'pump-01', 'channel': 'run', 'value': 1, 'clearValue': 5 },
                    { 'device': 'pump-01', 'channel': 'speed', 'value': 70000 },
                    { 'device': 'pump-01', 'channel': 'speed', 'value': 2.5 },
                    { 'device': 'pump-01', 'channel': 'setpoint', 'value': 6553.5, 'clearValue': 6553.6 },
                    { 'device': 'pump-01', 'channel': 'flow', 'value': 'max', 'clearValue': 0.5 } ] } ] }"""),
                "devices/pump-01.json", pump);
        String at = "devices/wl-001.json: $.channels[0].rules.thresholds[0].actions";
        assertEquals(List.of(
                at + "[0].value: \"on\" cannot be written to pump-01/run (bool): a bool channel takes true or false",
                at + "[1].clearValue: 5 cannot be written to pump-01/run (bool): a bool channel takes true or false",
                at + "[2].value: 70000 cannot be written to pump-01/speed (uint16): out of the uint16 range 0..65535",
                // [3]: 2.5 on a uint16 is written as 3: engineering values are rounded to the nearest raw step
                at + "[4].clearValue: 6553.6 cannot be written to pump-01/setpoint (uint16): out of the uint16 range"
                        + " 0..65535 (raw 65536 after its scale and offset)",
                at + "[5].value: \"max\" cannot be written to pump-01/flow (float32): a float32 channel takes a number"),
                got);
    }

    @Test
    void aDisabledOrMissingDeviceIsNoTarget() {
        // RulesCheck sees only the enabled devices: the siren is not among them.
        List<String> got = check("devices/wl-001.json", level("""
                { 'thresholds': [ { 'event': 'e', 'whenTrue': true,
                  'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] } ] }"""));
        assertEquals(List.of("devices/wl-001.json: $.channels[0].rules.thresholds[0].actions[0].device: action targets "
                + "device \"siren-01\", which is not configured (or disabled)"), got);
    }

    @Test
    void aTypoAtEveryDepthIsRefusedWithItsPathAndAHint() {
        List<String> got = check("devices/wl-001.json", level("""
                { 'deadband': 0.01, 'maxSilentMS': 60000,
                  'thresholds': [ { 'event': 'level_warning', 'abvoe': 3.5, 'severity': 'critcal',
                    'actions': [ { 'device': 'siren-01', 'chanel': 'siren', 'value': true } ] } ],
                  'accumulate': { 'houry': true } }"""),
                "devices/siren-01.json", SIREN);
        String all = String.join("\n", got);
        for (String expected : List.of(
                "devices/wl-001.json: $.channels[0].rules.maxSilentMS: unknown key (did you mean \"maxSilentMs\"?)",
                "devices/wl-001.json: $.channels[0].rules.thresholds[0].abvoe: unknown key (did you mean \"above\"?)",
                "devices/wl-001.json: $.channels[0].rules.thresholds[0]: needs exactly one of",
                "devices/wl-001.json: $.channels[0].rules.thresholds[0].severity: must be one of info, warning, major,"
                        + " critical (got \"critcal\") (did you mean \"critical\"?)",
                "devices/wl-001.json: $.channels[0].rules.thresholds[0].actions[0].chanel: unknown key (did you mean "
                        + "\"channel\"?)",
                "devices/wl-001.json: $.channels[0].rules.thresholds[0].actions[0].channel: is required",
                "devices/wl-001.json: $.channels[0].rules.accumulate.houry: unknown key (did you mean \"hourly\"?)")) {
            assertTrue(all.contains(expected), "missing <" + expected + "> in\n" + all);
        }
        assertEquals(7, got.size(), all);
        assertTrue(got.stream().noneMatch(s -> s.contains("action targets")),
                "targets are checked once the device's rules parse: " + all);
    }

    @Test
    void eventNamesAreUniquePerDevice() {
        List<String> got = check("devices/pm-001.json", """
                { "id": "pm-001", "protocol": "test", "channels": [
                  { "id": "ua", "address": "hr:0", "rules": { "thresholds": [ { "event": "over", "above": 250 } ] } },
                  { "id": "ub", "address": "hr:2", "rules": { "thresholds": [ { "event": "over", "above": 250 } ] } } ] }""");
        assertEquals(List.of("devices/pm-001.json: $.channels[1].rules: event \"over\" is used twice in this device "
                + "(event names must be unique per device; first used by channel ua)"), got);
    }

    @Test
    void aDeviceFileOverrideIsReportedInTheDeviceFile() {
        // What config's merge does for "channels": { "level": { "rules": ... } } in a device file over a profile.
        ConfigNode root = ConfigNode.parse("profiles/radar.json", level("{ 'thresholds': [ { 'event': 'e', 'above': 'high' } ] }"),
                problems);
        JsonNode channel = root.json().get("channels").get(0);
        root.origin(channel, "rules", "devices/wl-001.json", "$.channels.level.rules");
        new RulesCheck().check(List.of(new DecodedDevice(DeviceSchema.read(root, TEST_DRIVER), root)));
        root.reportUnknownKeys();
        assertEquals(List.of("devices/wl-001.json: $.channels.level.rules.thresholds[0].above: must be a number "
                + "(got \"high\")"), problems.errors().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void validateAndRunSayTheSame() {
        String rules = """
                { 'deadband': -1, 'maxSilentMS': 5,
                  'thresholds': [ { 'event': 'x', 'above': 1, 'below': 0 }, { 'above': 'high' },
                                  { 'event': 'y', 'whenTrue': true, 'hysteresis': 1, 'severity': 'panic' } ],
                  'rateOfChange': [ { 'event': 'r', 'rise': 0.3 }, { 'event': 'x', 'fall': -1, 'windowMs': 0 } ],
                  'accumulate': { 'counter': 'tips', 'zone': 'Mars', 'dayStartHour': 24, 'daily': 'yes' } }""";
        List<String> validate = check("devices/wl-001.json", level(rules)).stream()
                .map(s -> s.replace("devices/wl-001.json: $.channels[0].", "")).toList();
        RuleConfigException run = org.junit.jupiter.api.Assertions.assertThrows(RuleConfigException.class,
                () -> RuleParser.parse("wl-001", "level", ((ObjectNode) ConfigNode.mapper().readTree(level(rules)))
                        .get("channels").get(0).get("rules").toString()));
        List<String> runtime = run.problems().stream()
                .map(s -> s.replace("device wl-001 channel level: ", "").replaceFirst(" ", ": ")).toList();
        assertEquals(new java.util.TreeSet<>(runtime), new java.util.TreeSet<>(validate));
        assertTrue(validate.size() >= 12, validate::toString);
    }

    /** docs/configuration.md: a channel id is the `ch` of telemetry; a derived rain total must not take one. */
    @Test
    void aRainTotalNamedLikeAChannelOfTheDeviceIsAnError() {
        List<String> got = check("devices/rg-001.json", """
                { "id": "rg-001", "protocol": "test",
                  "channels": [ { "id": "rain", "address": "hr:0", "rules": { "accumulate": { "hourly": true } } },
                                { "id": "rain_1h", "address": "hr:2" } ] }""");
        assertEquals(List.of("devices/rg-001.json: $.channels[0].rules.accumulate: the hourly total would be"
                + " reported as channel \"rain_1h\", which is a channel of this device: rename that channel, or set"
                + " \"hourly\": false"), got);
        assertEquals(List.of(), new RulesCheckTest().check("devices/rg-001.json", """
                { "id": "rg-001", "protocol": "test",
                  "channels": [ { "id": "rain", "address": "hr:0",
                                  "rules": { "accumulate": { "hourly": false, "daily": true } } },
                                { "id": "rain_1h", "address": "hr:2" } ] }"""));
    }
}
