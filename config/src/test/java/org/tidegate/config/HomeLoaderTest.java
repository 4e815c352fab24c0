package org.tidegate.config;

import org.tidegate.core.config.ConfigProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.driver.gpio.internal.GpioChannelSettings;
import org.tidegate.driver.gpio.internal.GpioDeviceSettings;
import org.tidegate.driver.modbus.ModbusSchema;
import org.tidegate.driver.modbus.ModbusSettings;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

class HomeLoaderTest {
    @TempDir
    Path home;

    @BeforeEach
    void minimalHome() throws IOException {
        Files.createDirectories(home.resolve("profiles"));
        Files.createDirectories(home.resolve("devices"));
        write("gateway.json", """
                { "id": "gw-test-1", "broker": { "url": "tcp://127.0.0.1:1883" } }""");
        write("profiles/meter.json", """
                { "id": "meter", "protocol": "modbus",
                  "options": { "maxGap": 4 },
                  "channels": [
                    { "id": "voltage", "address": "hr:0", "type": "float32", "wordOrder": "little", "unit": "V" },
                    { "id": "energy", "address": "hr:10", "type": "uint32", "scale": 0.01, "unit": "kWh" },
                    { "id": "alarm_bit", "address": "hr:20.3", "type": "bool" },
                    { "id": "relay", "address": "coil:0", "type": "bool", "access": "readwrite" } ] }""");
        write("devices/pm-1.json", """
                { "id": "pm-1", "profile": "meter", "pollIntervalMs": 2000, "timeoutMs": 500, "retries": 2,
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 2 },
                  "channels": { "voltage": { "rules": { "deadband": 0.5 } } } }""");
    }

    @Test
    void validHomeLoadsWithDefaultsAndMergedProfile() throws Exception {
        GatewayConfig c = HomeLoader.load(home);
        assertEquals("gw-test-1", c.id());
        assertEquals(1, c.devices().size());
        Device d = c.devices().get(0);
        assertEquals("modbus", d.protocol());
        assertEquals(2000, d.pollInterval().toMillis());
        assertEquals(2, d.retries());
        assertEquals(2, d.settings(ModbusSettings.class).unit());
        assertEquals(4, d.settings(ModbusSettings.class).blocks().maxGap());
        assertEquals(Endian.LITTLE, d.channel("voltage").orElseThrow().wordOrder());
        assertEquals(Map.of("deadband", 0.5), ConfigNode.mapper().readValue(d.channel("voltage").orElseThrow().rules(), Map.class));
        assertEquals(0.01, d.channel("energy").orElseThrow().scale());
        assertEquals(Access.READ_WRITE, d.channel("relay").orElseThrow().access());
        // defaults filled in, paths absolute
        assertEquals("tidegate", c.section("broker").get("topicPrefix"));
        assertEquals(home.toAbsolutePath().resolve("data/queue.db").normalize().toString(), c.section("store").get("path"));
        assertEquals("gw-test-1", c.section("store").get("gatewayId"));
        // the resolved device survives the trip through ConfigAdmin's JSON property
        Device decoded = DeviceSchema.decode("device.json", c.documents().get(d.id()), new ModbusSchema());
        assertEquals(d, decoded);
        assertEquals(d.channels(), decoded.channels());
    }

    /** A copy set aside as a hidden file, or a name a reload from the cloud could not write, is not read: said so. */
    @Test
    void hiddenFilesAndOddNamesAreIgnoredWithAWarning() throws Exception {
        String copy = Files.readString(home.resolve("devices/pm-1.json"));
        write("devices/.pm-1.json", copy);
        write("devices/pm 1 old.json", copy);
        LoadResult r = HomeLoader.check(home);
        assertEquals(List.of(), r.errors(), "no duplicate id: the copies are not read");
        List<String> warnings = r.warnings().stream().map(ConfigProblem::toString).toList();
        assertTrue(warnings.contains("devices/.pm-1.json: $: ignored: a hidden file (its name begins with \".\")"),
                warnings::toString);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("devices/pm 1 old.json: $: ignored: a configuration"
                + " file's name is letters")), warnings::toString);
        assertEquals(1, HomeLoader.load(home).devices().size());
    }

    @Test
    void brokenDeviceFileNamesFilePathAndReason() throws Exception {
        write("devices/x.json", """
                { "id": "x", "protocol": "modbus",
                  "connection": { "transport": "tcp", "host": "10.0.0.9", "port": 502, "unit": 1 },
                  "channels": [
                    { "id": "a", "address": "hr:0", "type": "uint16" },
                    { "id": "b", "address": "hr:1", "type": "int16" },
                    { "id": "c", "address": "xx:7", "type": "uint16" } ] }""");
        LoadResult r = HomeLoader.check(home);
        assertFalse(r.ok());
        assertNull(r.config());
        assertEquals(List.of("devices/x.json: $.channels[2].address: unknown Modbus table \"xx\" (expected hr, ir, coil or di)"),
                r.errors().stream().map(ConfigProblem::toString).toList());
        ConfigException e = assertThrows(ConfigException.class, () -> HomeLoader.load(home));
        assertEquals(1, e.problems().size());
    }

    @Test
    void everyErrorIsReportedAtOnce() throws Exception {
        write("gateway.json", """
                { "id": "bad id!", "broker": { "url": "http://x", "keepAliveSecs": 10 }, "store": { "maxBytes": 5 } }""");
        write("profiles/meter.json", """
                { "id": "meter", "protocol": "modbus", "channels": [
                    { "id": "v", "address": "ir:0", "type": "float33" },
                    { "id": "v", "address": "coil:3", "type": "uint16", "access": "write" },
                    { "id": "w", "address": "di:1", "type": "bool", "access": "readwrite" } ] }""");
        write("devices/pm-1.json", """
                { "id": "pm-1", "profile": "nope", "pollIntervalMs": -5, "connection": { "transport": "udp" } }""");
        write("devices/broken.json", "{ \"id\": \"broken\", ");
        LoadResult r = HomeLoader.check(home);
        List<String> got = r.errors().stream().map(ConfigProblem::toString).toList();
        assertContains(got, "gateway.json: $.id: gateway id may only contain A-Z a-z 0-9 . _ - (got \"bad id!\")");
        assertContains(got, "gateway.json: $.broker.url: \"http://x\" must start with tcp:// or ssl://");
        assertContains(got, "gateway.json: $.broker.keepAliveSecs: unknown key (did you mean \"keepAliveSeconds\"?)");
        assertContains(got, "gateway.json: $.store.maxBytes: 5 is out of range 1048576");
        assertContains(got, "profiles/meter.json: $.channels[0].type: \"float33\" is not a data type");
        assertContains(got, "profiles/meter.json: $.channels[1].id: channel id \"v\" is already used by channels[0]");
        assertContains(got, "profiles/meter.json: $.channels[1].type: coil addresses hold single bits: type must be bool");
        assertContains(got, "profiles/meter.json: $.channels[2].access: di addresses are read-only in Modbus");
        assertContains(got, "devices/pm-1.json: $.profile: no profile \"nope\" in profiles/");
        assertContains(got, "devices/pm-1.json: $.pollIntervalMs: -5 is out of range 50");
        assertContains(got, "devices/broken.json: $: not valid JSON: line 1, column");
        assertTrue(got.size() >= 11, () -> String.join("\n", got));
    }

    @Test
    void missingKeysAreWarningsNotErrors() throws Exception {
        LoadResult r = HomeLoader.check(home);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.path().equals("$.security.privateKey")
                && w.message().contains("tidegate provision")), r.warnings()::toString);
    }

    /** docs/configuration.md: a timeout longer than the poll interval is a warning; the defaults are not. */
    @Test
    void aTimeoutLongerThanThePollIntervalWarnsAndTheDefaultsDoNot() throws Exception {
        write("devices/pm-2.json", """
                { "id": "pm-2", "profile": "meter",
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 3 } }""");
        write("devices/pm-3.json", """
                { "id": "pm-3", "profile": "meter", "pollIntervalMs": 1000, "timeoutMs": 1500,
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 4 } }""");
        LoadResult r = HomeLoader.check(home);
        assertTrue(r.ok(), () -> r.errors().toString());
        List<String> timeouts = r.warnings().stream().filter(w -> w.path().equals("$.timeoutMs"))
                .map(ConfigProblem::toString).toList();
        assertEquals(1, timeouts.size(), timeouts::toString);
        assertContains(timeouts, "devices/pm-3.json: $.timeoutMs: timeoutMs 1500 exceeds pollIntervalMs 1000");
    }

    /**
     * docs/configuration.md: a copied device file polling the same Modbus slave, and a serial port that is not there
     * now, are warnings (the home still loads and runs); a disabled device's port is not looked at.
     */
    @Test
    void aSecondDeviceOnOneSlaveAndAMissingSerialPortAreWarnings() throws Exception {
        String port = home.resolve("ttyUSB9").toString();
        String rtu = """
                { "id": "ID", "profile": "meter",
                  "connection": { "transport": "rtu", "port": "PORT", "unit": 5 } }""".replace("PORT", port);
        write("devices/op-rtu.json", rtu.replace("ID", "op-rtu"));
        write("devices/op-rtu2.json", rtu.replace("ID", "op-rtu2"));
        write("devices/op-off.json", rtu.replace("ID", "op-off").replace("\"profile\"", "\"enabled\": false, \"profile\"")
                .replace("\"unit\": 5", "\"unit\": 6"));
        write("devices/pm-1-copy.json", Files.readString(home.resolve("devices/pm-1.json")).replace("\"pm-1\"", "\"pm-1-copy\"")
                .replace("\"unit\": 2", "\"unit\": 3")); // another slave behind the same TCP gateway: no warning
        write("devices/pm-2.json", Files.readString(home.resolve("devices/pm-1.json")).replace("\"pm-1\"", "\"pm-2\""));
        LoadResult r = HomeLoader.check(home);
        assertEquals(List.of(), r.errors());
        List<String> warnings = r.warnings().stream().map(ConfigProblem::toString)
                .filter(w -> w.startsWith("devices/")).toList();
        assertEquals(List.of(
                "devices/op-rtu.json: $.connection.port: " + port + " does not exist now (a USB adapter not plugged in?);"
                        + " the gateway will retry opening it",
                "devices/op-rtu2.json: $.connection.port: " + port + " does not exist now (a USB adapter not plugged in?);"
                        + " the gateway will retry opening it",
                "devices/op-rtu2.json: $.connection.unit: unit 5 on " + port + " is polled by device op-rtu"
                        + " (devices/op-rtu.json) too: two devices read one slave (intended only if they read different registers)",
                "devices/pm-2.json: $.connection.unit: unit 2 on 127.0.0.1:1502 is polled by device pm-1"
                        + " (devices/pm-1.json) too: two devices read one slave (intended only if they read different registers)"),
                warnings.stream().sorted().toList());
        assertEquals(5, HomeLoader.load(home).devices().size(), "warnings only: the home loads");

        Files.createFile(home.resolve("ttyUSB9")); // the adapter is plugged in
        assertFalse(HomeLoader.check(home).warnings().stream().anyMatch(w -> w.path().equals("$.connection.port")));
    }

    @Test
    void aProfileThatIsNotJsonIsNamedAsSuchAndNotReportedMissing() throws Exception {
        write("profiles/meter.json", """
                { "id": "meter", "protocol": "modbus",
                  "channels": [ { "id": "voltage", "address": "hr:0", "type": "float32", "scale": Infinity } ] }""");
        List<String> got = HomeLoader.check(home).errors().stream().map(ConfigProblem::toString).toList();
        assertContains(got, "profiles/meter.json: $: not valid JSON: line 2, column");
        assertTrue(got.stream().anyMatch(e -> e.contains("hint: JSON has no NaN or Infinity")), got::toString);
        assertFalse(got.stream().anyMatch(e -> e.contains("JsonReadFeature")), got::toString);
        assertContains(got, "devices/pm-1.json: $.profile: profile \"meter\" is not loaded: profiles/meter.json"
                + " could not be read");
    }

    @Test
    void aMisspelledProfileIdGetsADidYouMean() throws Exception {
        write("devices/pm-1.json", """
                { "id": "pm-1", "profile": "metre",
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 2 } }""");
        List<String> got = HomeLoader.check(home).errors().stream().map(ConfigProblem::toString).toList();
        assertContains(got, "devices/pm-1.json: $.profile: no profile \"metre\" in profiles/ (did you mean \"meter\"?)");
    }

    /** docs/configuration.md: "a problem in an adjustment is reported in the device file". */
    @Test
    void anOverlapCausedByADeviceAdjustmentIsReportedInTheDeviceFile() throws Exception {
        write("profiles/meter.json", """
                { "id": "meter", "protocol": "modbus",
                  "channels": [
                    { "id": "status", "address": "hr:20", "type": "uint16" },
                    { "id": "alarm_bit", "address": "hr:20.3", "type": "bool" } ] }""");
        write("devices/pm-1.json", """
                { "id": "pm-1", "profile": "meter",
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 2 },
                  "channels": { "status": { "type": "uint32" }, "alarm_bot": { "unit": "x" } } }""");
        List<String> got = HomeLoader.check(home).errors().stream().map(ConfigProblem::toString).toList();
        assertContains(got, "devices/pm-1.json: $.channels.status.type: bit hr:20.3 lies in the 2-register uint32");
        assertContains(got, "devices/pm-1.json: $.channels.alarm_bot: the profile has no channel \"alarm_bot\""
                + " (did you mean \"alarm_bit\"?)");
        assertFalse(got.stream().anyMatch(e -> e.startsWith("profiles/")), got::toString);

        // The earlier channel widened onto the next: said from its side, naming the channel it now runs into.
        write("profiles/meter.json", """
                { "id": "meter", "protocol": "modbus",
                  "channels": [
                    { "id": "rpm", "address": "hr:1", "type": "uint16" },
                    { "id": "energy_i", "address": "hr:2", "type": "int32" } ] }""");
        write("devices/pm-1.json", """
                { "id": "pm-1", "profile": "meter",
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 2 },
                  "channels": { "rpm": { "type": "int32" } } }""");
        got = HomeLoader.check(home).errors().stream().map(ConfigProblem::toString).toList();
        assertContains(got, "devices/pm-1.json: $.channels.rpm.type: registers hr:1–2 (int32) overlap registers hr:2–3"
                + " (int32) of channel energy_i");
    }

    @Test
    void gpioChannelsGetModeDependentDefaults() throws Exception {
        write("profiles/io.json", """
                { "id": "io", "protocol": "gpio", "channels": [
                    { "id": "smoke", "address": "gpio:17", "mode": "input", "activeLow": true, "debounceMs": 20 },
                    { "id": "rain", "address": "gpio:22", "mode": "counter", "mmPerTip": 0.5, "unit": "mm" },
                    { "id": "siren", "address": "gpio:27", "mode": "output" },
                    { "id": "bad", "address": "gpio:99", "mode": "blink" } ] }""");
        write("devices/io-1.json", """
                { "id": "io-1", "profile": "io", "connection": { "transport": "gpio", "provider": "mock" } }""");
        LoadResult r = HomeLoader.check(home);
        List<String> got = r.errors().stream().map(ConfigProblem::toString).toList();
        assertContains(got, "profiles/io.json: $.channels[3].mode: \"blink\" is not one of [input, counter, output]");
        assertContains(got, "profiles/io.json: $.channels[3].address: GPIO line 99 out of range 0-63");
        assertEquals(2, got.size(), got::toString);

        write("profiles/io.json", Files.readString(home.resolve("profiles/io.json"))
                .replace("gpio:99", "gpio:5").replace("blink", "input"));
        GatewayConfig c = HomeLoader.load(home);
        Device io = c.devices().stream().filter(d -> d.id().equals("io-1")).findFirst().orElseThrow();
        assertEquals(DataType.BOOL, io.channel("smoke").orElseThrow().type());
        assertEquals(true, io.channel("smoke").orElseThrow().settings(GpioChannelSettings.class).activeLow());
        assertEquals(DataType.FLOAT64, io.channel("rain").orElseThrow().type());
        assertEquals(Access.READ_WRITE, io.channel("siren").orElseThrow().access());
        assertEquals("mock", io.settings(GpioDeviceSettings.class).provider());
    }

    @Test
    void edgeRulesAreCheckedWithTheDeviceFileAndPath() throws Exception {
        write("devices/pm-1.json", """
                { "id": "pm-1", "profile": "meter",
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 2 },
                  "channels": {
                    "voltage": { "rules": { "thresholds": [ { "event": "overvolt", "above": "high" } ] } },
                    "energy": { "rules": { "thresholds": [ { "event": "e", "above": 5,
                        "actions": [ { "device": "siren-9", "channel": "siren", "value": true } ] } ] } } } }""");
        List<String> got = HomeLoader.check(home).errors().stream().map(ConfigProblem::toString).toList();
        assertEquals(List.of("devices/pm-1.json: $.channels.voltage.rules.thresholds[0].above: must be a number (got \"high\")"), got);
        // Once the rules parse, their actions are checked against the other devices.
        write("devices/pm-1.json", Files.readString(home.resolve("devices/pm-1.json")).replace("\"high\"", "250"));
        got = HomeLoader.check(home).errors().stream().map(ConfigProblem::toString).toList();
        assertEquals(List.of("devices/pm-1.json: $.channels.energy.rules.thresholds[0].actions[0].device: action targets device \"siren-9\", "
                + "which is not configured (or disabled)"), got);
    }

    @Test
    void shippedExampleHomeIsValid() {
        Path example = Path.of("examples/riverside");
        LoadResult r = HomeLoader.check(example);
        assertTrue(r.ok(), () -> String.join("\n", r.errors().stream().map(ConfigProblem::toString).toList()));
        assertNotNull(r.config());
        assertEquals(5, r.config().devices().size());
    }

    private static void assertContains(List<String> got, String prefix) {
        assertTrue(got.stream().anyMatch(s -> s.startsWith(prefix)),
                () -> "no error starting with:\n  " + prefix + "\ngot:\n  " + String.join("\n  ", got));
    }

    private void write(String rel, String text) throws IOException {
        Files.writeString(home.resolve(rel), text);
    }
}
