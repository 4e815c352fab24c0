package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;
import org.tidegate.driver.serial.SerialSettings;

/** What {@link ModbusSchema} accepts and refuses, with the path and hint a technician sees. */
class ModbusSchemaTest {
    private static final Path RIVERSIDE = Path.of("../../config/examples/riverside");
    private static final String TCP = "\"connection\":{\"transport\":\"tcp\",\"host\":\"10.0.0.5\"}";

    /** Problems (errors) of one resolved device document, read the way the config bundle reads it. */
    private static List<String> problems(String json) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse("devices/d.json", json, problems);
        DeviceSchema.read(root, new ModbusSchema());
        root.reportUnknownKeys();
        return problems.errors().stream().map(Object::toString).toList();
    }

    private static String device(String connection, String channel) {
        return "{\"id\":\"d\",\"protocol\":\"modbus\"," + connection + ",\"channels\":[" + channel + "]}";
    }

    private static void refused(String json, String expected) {
        List<String> p = problems(json);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(expected)), () -> "expected " + expected + " in " + p);
    }

    @Test
    void aChannelKeyTypoIsRefusedWithPathAndHint() {
        refused(device(TCP, "{\"id\":\"level\",\"address\":\"hr:0\",\"type\":\"float32\",\"scael\":2}"),
                "devices/d.json: $.channels[0].scael: unknown key (did you mean \"scale\"?)");
    }

    @Test
    void aDataTypeTypoIsRefusedWithAHint() {
        refused(device(TCP, "{\"id\":\"level\",\"address\":\"hr:0\",\"type\":\"float33\"}"),
                "devices/d.json: $.channels[0].type: \"float33\" is not a data type (did you mean \"float32\"?)");
        // "dataType" is not the key: it is refused, and the missing type is named
        List<String> p = problems(device(TCP, "{\"id\":\"level\",\"address\":\"hr:0\",\"dataType\":\"float32\"}"));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("devices/d.json: $.channels[0].dataType: unknown key")), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith("devices/d.json: $.channels[0].type: is required")), p::toString);
    }

    @Test
    void aConnectionKeyTypoIsRefusedWithAHint() {
        refused(device("\"connection\":{\"transport\":\"tcp\",\"hots\":\"10.0.0.5\"}",
                        "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}"),
                "devices/d.json: $.connection.hots: unknown key (did you mean \"host\"?)");
    }

    @Test
    void aParityTypoIsRefusedWithAHint() {
        refused(device("\"connection\":{\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB0\",\"parity\":\"evn\"}",
                        "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}"),
                "devices/d.json: $.connection.parity: \"evn\" is not one of [none, even, odd] (did you mean \"even\"?)");
    }

    @Test
    void anOptionTypoIsRefusedWithAHint() {
        refused("{\"id\":\"d\",\"protocol\":\"modbus\"," + TCP + ",\"options\":{\"maxGpa\":4},"
                        + "\"channels\":[{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}]}",
                "devices/d.json: $.options.maxGpa: unknown key (did you mean \"maxGap\"?)");
    }

    @Test
    void keysOfTheOtherTransportAreUnknown() {
        refused(device("\"connection\":{\"transport\":\"tcp\",\"host\":\"h\",\"baud\":9600}",
                "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}"), "devices/d.json: $.connection.baud: unknown key");
    }

    @Test
    void transportIsRequiredAndOnlyTheTransportIsReportedWhenItIsWrong() {
        String ch = "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}";
        refused(device("\"connection\":{\"host\":\"h\"}", ch), "devices/d.json: $.connection.transport: is required for Modbus (tcp or rtu)");
        List<String> p = problems(device("\"connection\":{\"transport\":\"udp\",\"host\":\"h\"}", ch));
        assertEquals(1, p.size(), p::toString);
        assertTrue(p.get(0).startsWith("devices/d.json: $.connection.transport: \"udp\" is not one of [tcp, rtu]"), p::toString);
    }

    @Test
    void connectionRangesAreChecked() {
        String ch = "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}";
        refused(device("\"connection\":{\"transport\":\"tcp\"}", ch), "devices/d.json: $.connection.host: is required");
        refused(device("\"connection\":{\"transport\":\"tcp\",\"host\":\"h\",\"port\":70000}", ch), "devices/d.json: $.connection.port: 70000 is out of range 1–65535");
        refused(device("\"connection\":{\"transport\":\"tcp\",\"host\":\"h\",\"unit\":256}", ch), "devices/d.json: $.connection.unit: 256 is out of range 0–255");
        refused(device("\"connection\":{\"transport\":\"rtu\",\"port\":\"/x\",\"unit\":0}", ch), "devices/d.json: $.connection.unit: 0 is out of range 1–247");
        refused(device("\"connection\":{\"transport\":\"rtu\",\"port\":\"/x\",\"baud\":10000}", ch), "devices/d.json: $.connection.baud: 10000 is not a standard baud rate");
        refused(device("\"connection\":{\"transport\":\"rtu\",\"port\":\"/x\",\"interFrameDelayMs\":5000}", ch), "devices/d.json: $.connection.interFrameDelayMs: 5000 is out of range 0–1000");
        refused(device("\"connection\":{\"transport\":\"rtu\",\"baud\":9600}", ch), "devices/d.json: $.connection.port: is required");
        refused("{\"id\":\"d\",\"protocol\":\"modbus\"," + TCP + ",\"options\":{\"maxBlock\":200},\"channels\":[" + ch + "]}",
                "devices/d.json: $.options.maxBlock: 200 is out of range 1–125");
    }

    @Test
    void channelRulesOfTheAddressTablesAreChecked() {
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hx:0\",\"type\":\"uint16\"}"), "devices/d.json: $.channels[0].address: unknown Modbus table \"hx\"");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"coil:0\",\"type\":\"uint16\"}"), "devices/d.json: $.channels[0].type: coil addresses hold single bits: type must be bool");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:0.3\",\"type\":\"int16\"}"), "devices/d.json: $.channels[0].type: a bit address (hr:0.3) must have type bool");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"bool\"}"), "devices/d.json: $.channels[0].type: type bool on a register needs a bit index");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:65535\",\"type\":\"float32\"}"), "devices/d.json: $.channels[0].address: value of 2 registers starting at 65535 runs past register 65535");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"string\"}"), "devices/d.json: $.channels[0].length: is required");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"ir:0\",\"type\":\"uint16\",\"access\":\"readwrite\"}"), "devices/d.json: $.channels[0].access: ir addresses are read-only in Modbus");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"di:0\",\"type\":\"bool\",\"access\":\"write\"}"), "devices/d.json: $.channels[0].access: di addresses are read-only in Modbus");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"40001\",\"type\":\"uint16\"}"),
                "devices/d.json: $.channels[0].address: \"40001\" is not a Modbus address: expected TABLE:OFFSET with"
                        + " TABLE one of hr, ir, coil, di; hint: in the 1-based Modicon numbering 40001 is hr:0");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"300010\",\"type\":\"uint16\"}"),
                "devices/d.json: $.channels[0].address: \"300010\" is not a Modbus address: expected TABLE:OFFSET with"
                        + " TABLE one of hr, ir, coil, di; hint: in the 1-based Modicon numbering 300010 is ir:9");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"float32\",\"wordOrder\":\"CDAB\"}"),
                "devices/d.json: $.channels[0].wordOrder: \"CDAB\" must be big or little; hint: CDAB is \"byteOrder\":"
                        + " \"big\", \"wordOrder\": \"little\"");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:4.2\",\"type\":\"bool\",\"access\":\"readwrite\"}"),
                "devices/d.json: $.channels[0].access: one bit of a register (hr:4.2) cannot be written");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:4\",\"type\":\"int16\",\"length\":3}"),
                "devices/d.json: $.channels[0].length: applies to string channels only; a int16 is 1 register by its type");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint32\",\"wordOrder\":\"middle\"}"), "devices/d.json: $.channels[0].wordOrder: \"middle\" must be big or little");
        refused(device(TCP, "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\",\"access\":\"raed\"}"), "devices/d.json: $.channels[0].access: must be read, write or readwrite (did you mean \"read\"?)");
    }

    @Test
    void typedSettingsCarryEveryKeyWithItsDefault() {
        Device d = DeviceSchema.decode("devices/d.json", "{\"id\":\"d\",\"protocol\":\"modbus\","
                + "\"connection\":{\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB0\",\"parity\":\"EVEN\",\"unit\":7},"
                + "\"options\":{\"maxGap\":8},"
                + "\"channels\":[{\"id\":\"s\",\"address\":\"hr:10\",\"type\":\"string\",\"length\":4},"
                + "{\"id\":\"w\",\"address\":\"hr:20\",\"type\":\"float32\",\"byteOrder\":\"little\",\"access\":\"readwrite\",\"writeMultiple\":true}]}",
                new ModbusSchema());
        ModbusSettings s = d.settings(ModbusSettings.class);
        assertEquals(7, s.unit());
        assertEquals(new ModbusSettings.BlockLimits(8, 125, 0, 2000), s.blocks());
        ModbusSettings.Rtu rtu = assertInstanceOf(ModbusSettings.Rtu.class, s.connection());
        assertEquals(new SerialSettings("/dev/ttyUSB0", 9600, SerialSettings.Parity.EVEN, 8, 1), rtu.serial());
        assertTrue(rtu.interFrameDelayMs() < 0, "default: t3.5 of the line speed");
        Channel str = d.channels().get(0);
        assertEquals(4, str.length());
        assertEquals(Access.READ, str.access());
        Channel w = d.channels().get(1);
        assertEquals(Endian.LITTLE, w.byteOrder());
        assertEquals(Endian.BIG, w.wordOrder());
        assertEquals(Access.READ_WRITE, w.access());
        assertTrue(w.settings(ModbusChannelSettings.class).writeMultiple());
        assertEquals(DataType.FLOAT32, w.type());

        Device tcp = DeviceSchema.decode("devices/t.json", device(TCP, "{\"id\":\"a\",\"address\":\"coil:3\",\"type\":\"bool\"}"),
                new ModbusSchema());
        assertEquals(new ModbusSettings.Tcp("10.0.0.5", 502), tcp.settings(ModbusSettings.class).connection());
        assertEquals(1, tcp.settings(ModbusSettings.class).unit());
        assertFalse(tcp.channels().get(0).settings(ModbusChannelSettings.class).writeMultiple());
    }

    @Test
    void decodeThrowsWithEveryProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSchema.decode("devices/d.json",
                device("\"connection\":{\"transport\":\"tcp\",\"hots\":\"h\"}", "{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"float33\"}"),
                new ModbusSchema()));
        assertTrue(e.getMessage().contains("$.connection.host: is required"), e.getMessage());
        assertTrue(e.getMessage().contains("$.connection.hots: unknown key (did you mean \"host\"?)"), e.getMessage());
        assertTrue(e.getMessage().contains("$.channels[0].type: \"float33\" is not a data type"), e.getMessage());
    }

    @Test
    void theBundleProvidesTheModbusSchemaAndTheDriverReturnsIt() {
        List<DriverSchema> found = ServiceLoader.load(DriverSchema.class).stream().map(ServiceLoader.Provider::get).toList();
        assertEquals(1, found.stream().filter(s -> s.protocol().equals("modbus")).count(), found::toString);
        assertTrue(found.stream().noneMatch(s -> s.protocol().equals("serial")), "serial is no protocol: no driver serves it");
        try (ModbusDriver driver = new ModbusDriver()) {
            assertEquals("modbus", driver.schema().protocol());
        }
    }

    /** The example device files with their profiles merged in (the resolved form the config bundle hands on). */
    static ObjectNode resolved(Path deviceFile) throws Exception {
        ObjectNode d = (ObjectNode) ConfigNode.mapper().readTree(deviceFile.toFile());
        JsonNode p = ConfigNode.mapper().readTree(RIVERSIDE.resolve("profiles/" + d.path("profile").asText() + ".json").toFile());
        JsonNode overrides = d.path("channels");
        ArrayNode channels = ConfigNode.mapper().createArrayNode();
        for (JsonNode c : p.path("channels")) {
            ObjectNode merged = ((ObjectNode) c).deepCopy();
            JsonNode o = overrides.path(c.path("id").asText());
            if (o.isObject()) {
                merged.setAll((ObjectNode) o);
            }
            channels.add(merged);
        }
        d.put("protocol", p.path("protocol").asText());
        if (p.has("options")) {
            d.set("options", p.get("options"));
        }
        d.set("channels", channels);
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"wl-001.json", "pm-001.json"})
    void everyRiversideModbusDeviceDecodes(String file) throws Exception {
        ObjectNode doc = resolved(RIVERSIDE.resolve("devices/" + file));
        assertEquals("modbus", doc.path("protocol").asText());
        Device d = DeviceSchema.decode("devices/" + file, doc.toString(), new ModbusSchema());
        assertFalse(d.channels().isEmpty());
        assertTrue(d.settings(ModbusSettings.class).unit() > 0);
    }

    @Test
    void theRiversideExampleHasNoOtherModbusDevice() throws Exception {
        try (Stream<Path> files = Files.list(RIVERSIDE.resolve("devices"))) {
            List<String> modbus = files.filter(f -> {
                try {
                    return resolved(f).path("protocol").asText().equals("modbus");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("pm-001.json", "wl-001.json"), modbus, "add new example devices to the test above");
        }
    }

    private static String ch(String id, String address, String type) {
        return "{\"id\":\"" + id + "\",\"address\":\"" + address + "\",\"type\":\"" + type + "\"}";
    }

    @Test
    void overlappingChannelsAreRefusedAtTheLaterChannelsAddress() {
        refused(device(TCP, ch("level", "hr:0", "float32") + "," + ch("status", "hr:1", "uint16")),
                "devices/d.json: $.channels[1].address: registers hr:1 (uint16) overlap registers hr:0–1 (float32) of"
                        + " channel level: two channels must not read the same register as different values");
        refused(device(TCP, ch("a", "ir:4", "uint16") + "," + ch("b", "ir:4", "int16")),
                "devices/d.json: $.channels[1].address: registers ir:4 (int16) overlap registers ir:4 (uint16) of channel a");
        refused(device(TCP, ch("e", "hr:10", "int64") + "," + ch("f", "hr:8", "float32") + "," + ch("g", "hr:13", "uint32")),
                "devices/d.json: $.channels[2].address: registers hr:13–14 (uint32) overlap registers hr:10–13 (int64) of channel e");
        refused(device(TCP, ch("x", "hr:3.2", "bool") + "," + ch("y", "hr:3.2", "bool")),
                "devices/d.json: $.channels[1].address: hr:3.2 is read by channel x already");
        refused(device(TCP, ch("x", "coil:3", "bool") + "," + ch("y", "coil:3", "bool")),
                "devices/d.json: $.channels[1].address: coil:3 is read by channel x already");
        refused(device(TCP, ch("v", "hr:0", "float32") + "," + ch("bit", "hr:1.0", "bool")),
                "devices/d.json: $.channels[1].address: bit hr:1.0 lies in the 2-register float32 of channel v");
        // Allowed: bits of one register, a status word with its bits, the same offset in another table, neighbours.
        assertEquals(List.of(), problems(device(TCP, ch("s", "hr:5", "uint16") + "," + ch("s0", "hr:5.0", "bool") + ","
                + ch("s1", "hr:5.1", "bool") + "," + ch("i", "ir:5", "uint16") + "," + ch("c", "coil:5", "bool") + ","
                + ch("l", "hr:6", "float32") + "," + ch("m", "hr:8", "float32"))));
    }

    @Test
    void maxBlockAbove125IsRefused() {
        String channel = ch("level", "hr:0", "float32");
        refused("{\"id\":\"d\",\"protocol\":\"modbus\"," + TCP + ",\"options\":{\"maxBlock\":126},\"channels\":[" + channel + "]}",
                "devices/d.json: $.options.maxBlock: ");
        refused("{\"id\":\"d\",\"protocol\":\"modbus\"," + TCP + ",\"options\":{\"maxBlockBits\":2001},\"channels\":[" + channel + "]}",
                "devices/d.json: $.options.maxBlockBits: ");
        assertEquals(List.of(), problems("{\"id\":\"d\",\"protocol\":\"modbus\"," + TCP
                + ",\"options\":{\"maxBlock\":125},\"channels\":[" + channel + "]}"));
    }
}
