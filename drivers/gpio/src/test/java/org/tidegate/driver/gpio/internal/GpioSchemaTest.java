package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;

/** What {@link GpioSchema} accepts and refuses, with the path and hint a technician sees. */
class GpioSchemaTest {
    private static final String MOCK = "\"connection\":{\"transport\":\"gpio\",\"provider\":\"mock\"}";

    private static List<String> problems(String json) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse("devices/g.json", json, problems);
        DeviceSchema.read(root, new GpioSchema());
        root.reportUnknownKeys();
        return problems.errors().stream().map(Object::toString).toList();
    }

    private static String device(String... channels) {
        return "{\"id\":\"g\",\"protocol\":\"gpio\"," + MOCK + ",\"channels\":[" + String.join(",", channels) + "]}";
    }

    private static Device decode(String... channels) {
        return DeviceSchema.decode("devices/g.json", device(channels), new GpioSchema());
    }

    private static void refused(String json, String expected) {
        List<String> p = problems(json);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(expected)), () -> "expected " + expected + " in " + p);
    }

    @Test
    void aWritableChannelWithoutModeIsAnOutput() throws Exception {
        // Today's rule, one schema for validate and run: access write or readwrite without a mode drives a relay.
        Device d = decode("{\"id\":\"siren\",\"address\":\"gpio:22\",\"access\":\"write\"}",
                "{\"id\":\"pump\",\"address\":\"gpio:23\",\"access\":\"readwrite\"}",
                "{\"id\":\"door\",\"address\":\"gpio:5\",\"access\":\"read\"}",
                "{\"id\":\"smoke\",\"address\":\"gpio:27\"}");
        assertEquals(GpioMode.OUTPUT, d.channels().get(0).settings(GpioChannelSettings.class).mode());
        assertEquals(Access.WRITE, d.channels().get(0).access());
        assertEquals(DataType.BOOL, d.channels().get(0).type());
        assertEquals(GpioMode.OUTPUT, d.channels().get(1).settings(GpioChannelSettings.class).mode());
        assertEquals(GpioMode.INPUT, d.channels().get(2).settings(GpioChannelSettings.class).mode());
        assertEquals(GpioMode.INPUT, d.channels().get(3).settings(GpioChannelSettings.class).mode());
        assertEquals(Access.READ, d.channels().get(3).access());
        try (GpioDriver driver = Fixtures.mockDriver(new Fixtures.ManualClock()); DeviceSession s = driver.open(d)) {
            assertEquals(ReadStatus.OK, s.write(d.channel("siren").orElseThrow(), true).status());
            assertTrue(driver.level(22), "the write-only channel without mode drives its line");
        }
    }

    @Test
    void onlyAnOutputMayBeWritable() {
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"input\",\"access\":\"write\"}"),
                "devices/g.json: $.channels[0].access: only a GPIO output channel (mode: output) can be written; this one is input");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"counter\",\"access\":\"readwrite\"}"),
                "devices/g.json: $.channels[0].access: only a GPIO output channel (mode: output) can be written; this one is counter");
    }

    @Test
    void aModeTypoIsRefusedWithAHint() {
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"ouput\"}"),
                "devices/g.json: $.channels[0].mode: \"ouput\" is not one of [input, counter, output] (did you mean \"output\"?)");
        // and only the mode is reported: which other keys belong is not known
        assertEquals(1, problems(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"ouput\",\"initial\":true}")).size());
    }

    @Test
    void aKeyCaseTypoIsRefusedWithAHint() {
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"input\",\"debounceMS\":20}"),
                "devices/g.json: $.channels[0].debounceMS: unknown key (did you mean \"debounceMs\"?)");
    }

    @Test
    void aGenericChannelKeyTypoIsRefusedWithAHint() {
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"scael\":2}"),
                "devices/g.json: $.channels[0].scael: unknown key (did you mean \"scale\"?)");
    }

    @Test
    void connectionTyposAreRefusedWithAHint() {
        refused("{\"id\":\"g\",\"protocol\":\"gpio\",\"connection\":{\"provder\":\"mock\"},\"channels\":[{\"id\":\"x\",\"address\":\"gpio:4\"}]}",
                "devices/g.json: $.connection.provder: unknown key (did you mean \"provider\"?)");
        refused("{\"id\":\"g\",\"protocol\":\"gpio\",\"connection\":{\"provider\":\"moc\"},\"channels\":[{\"id\":\"x\",\"address\":\"gpio:4\"}]}",
                "devices/g.json: $.connection.provider: \"moc\" is not one of [auto, mock, real] (did you mean \"mock\"?)");
        refused("{\"id\":\"g\",\"protocol\":\"gpio\",\"connection\":{\"transport\":\"tcp\"},\"channels\":[{\"id\":\"x\",\"address\":\"gpio:4\"}]}",
                "devices/g.json: $.connection.transport: \"tcp\" is not one of [gpio]");
        refused("{\"id\":\"g\",\"protocol\":\"gpio\"," + MOCK + ",\"options\":{\"maxGap\":1},\"channels\":[{\"id\":\"x\",\"address\":\"gpio:4\"}]}",
                "devices/g.json: $.options.maxGap: unknown key");
    }

    @Test
    void aKeyOfAnotherModeIsRefusedNamingTheModes() {
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"input\",\"mmPerTip\":0.2}"),
                "devices/g.json: $.channels[0].mmPerTip: applies only to counter channels; this one is input");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"output\",\"debounceMs\":5}"),
                "devices/g.json: $.channels[0].debounceMs: applies only to input and counter channels; this one is output");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"initial\":true}"),
                "devices/g.json: $.channels[0].initial: applies only to output channels; this one is input (no mode given)");
    }

    @Test
    void rangesAndValuesAreChecked() {
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"debounceMs\":20000}"),
                "devices/g.json: $.channels[0].debounceMs: 20000 is out of range 0–10000");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"pull\":\"upp\"}"),
                "devices/g.json: $.channels[0].pull: \"upp\" is not one of [up, down, none] (did you mean \"up\"?)");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"counter\",\"mmPerTip\":0}"),
                "devices/g.json: $.channels[0].mmPerTip: mmPerTip must be a positive number");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"counter\",\"report\":\"tip\"}"),
                "devices/g.json: $.channels[0].report: \"tip\" is not one of [cumulative, interval, tips]");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:64\"}"), "devices/g.json: $.channels[0].address: GPIO line 64 out of range 0-63");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"type\":\"float64\"}"),
                "devices/g.json: $.channels[0].type: mode input needs type bool, not float64");
        refused(device("{\"id\":\"x\",\"address\":\"gpio:4\",\"mode\":\"counter\",\"type\":\"bool\"}"),
                "devices/g.json: $.channels[0].type: mode counter needs a numeric type");
    }

    @Test
    void channelsOnOneLineMustAgree() {
        refused(device("{\"id\":\"a\",\"address\":\"gpio:17\",\"mode\":\"counter\",\"debounceMs\":20}",
                        "{\"id\":\"b\",\"address\":\"gpio:17\",\"mode\":\"counter\",\"debounceMs\":5,\"report\":\"interval\"}"),
                "devices/g.json: $.channels[1]: channels a (counter debounceMs=20 pull=none) and b (counter debounceMs=5 pull=none) share gpio:17 but disagree");
        assertEquals(List.of(), problems(device("{\"id\":\"a\",\"address\":\"gpio:17\",\"mode\":\"counter\"}",
                "{\"id\":\"b\",\"address\":\"gpio:17\",\"mode\":\"counter\",\"report\":\"interval\"}")),
                "channels on one line may differ in what they report");
    }

    @Test
    void defaultsAreWrittenOnceInTheSchema() {
        Device d = DeviceSchema.decode("devices/g.json", "{\"id\":\"g\",\"protocol\":\"gpio\",\"connection\":{},"
                + "\"channels\":[{\"id\":\"rain\",\"address\":\"gpio:17\",\"mode\":\"counter\"},"
                + "{\"id\":\"relay\",\"address\":\"gpio:22\",\"mode\":\"output\"}]}", new GpioSchema());
        assertNull(d.settings(GpioDeviceSettings.class).provider(), "no provider: the driver's configured default");
        GpioChannelSettings rain = d.channels().get(0).settings(GpioChannelSettings.class);
        assertEquals(new GpioChannelSettings(17, GpioMode.COUNTER, false, 20, GpioChannelSettings.Pull.NONE, 0.5,
                CounterReport.CUMULATIVE, false), rain);
        assertEquals(DataType.FLOAT64, d.channels().get(0).type());
        assertEquals(Access.READ, d.channels().get(0).access());
        GpioChannelSettings relay = d.channels().get(1).settings(GpioChannelSettings.class);
        assertEquals(new GpioChannelSettings(22, GpioMode.OUTPUT, false, 0, GpioChannelSettings.Pull.NONE, 0.5,
                CounterReport.CUMULATIVE, false), relay);
        assertEquals(Access.READ_WRITE, d.channels().get(1).access());
    }

    @Test
    void theBundleProvidesTheGpioSchemaAndTheDriverReturnsIt() {
        List<DriverSchema> found = ServiceLoader.load(DriverSchema.class).stream().map(ServiceLoader.Provider::get).toList();
        assertEquals(1, found.stream().filter(s -> s.protocol().equals("gpio")).count(), found::toString);
        try (GpioDriver driver = Fixtures.mockDriver(new Fixtures.ManualClock())) {
            assertEquals("gpio", driver.schema().protocol());
        }
    }
}
