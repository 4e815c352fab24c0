package org.tidegate.driver.sl651;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.model.Device;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.sl651.internal.ListenerCheck;

/** What {@link Sl651Schema} and the {@link ListenerCheck} accept and refuse, with the path a technician sees. */
class Sl651SchemaTest {

    private static List<String> problems(String json) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse("devices/st.json", json, problems);
        DeviceSchema.read(root, new Sl651Schema());
        root.reportUnknownKeys();
        return problems.errors().stream().map(Object::toString).toList();
    }

    private static String device(String connection, String channel) {
        return "{\"id\":\"st\",\"protocol\":\"sl651\",\"connection\":{" + connection + "},\"channels\":[" + channel + "]}";
    }

    private static void refused(String json, String expected) {
        List<String> p = problems(json);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(expected)), () -> "expected " + expected + " in " + p);
    }

    static final String LEVEL = "{\"id\":\"level\",\"address\":\"39\",\"unit\":\"m\"}";

    @Test
    void aSerialStationWithItsDefaults() {
        String json = device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", LEVEL);
        assertEquals(List.of(), problems(json));
        Device d = DeviceSchema.read(ConfigNode.parse("devices/st.json", json, new ConfigProblems()), new Sl651Schema());
        Sl651Settings s = (Sl651Settings) d.settings();
        assertEquals(new Sl651Settings.Serial(SerialSettings.of("/dev/ttyS1", 9600)), s.listener());
        assertEquals(new Sl651Settings(s.listener(), "0011223344", -1, -1, ZoneId.of("Asia/Shanghai"), Duration.ofHours(2), false), s);
        assertEquals(new Sl651ChannelSettings(0x39), d.channels().get(0).settings());
    }

    @Test
    void aTcpStation() {
        String json = device("\"transport\":\"tcp\",\"listenPort\":5005,\"station\":\"00112233AA\",\"centre\":5,\"password\":\"03e8\","
                + "\"timeZone\":\"+08:00\",\"reportTimeoutSeconds\":600,\"keepOnline\":true", LEVEL);
        assertEquals(List.of(), problems(json));
        Device d = DeviceSchema.read(ConfigNode.parse("devices/st.json", json, new ConfigProblems()), new Sl651Schema());
        assertEquals(new Sl651Settings(new Sl651Settings.Tcp("0.0.0.0", 5005), "00112233AA", 5, 0x03E8, ZoneId.of("+08:00"),
                Duration.ofMinutes(10), true), d.settings());
    }

    @Test
    void encodingIsHexUnlessAscii() {
        String json = device("\"transport\":\"tcp\",\"listenPort\":5005,\"station\":\"0011223344\",\"encoding\":\"ascii\"", LEVEL);
        assertEquals(List.of(), problems(json));
        Device d = DeviceSchema.read(ConfigNode.parse("devices/st.json", json, new ConfigProblems()), new Sl651Schema());
        assertEquals(org.tidegate.driver.sl651.codec.Encoding.ASCII, ((Sl651Settings) d.settings()).encoding());
        Device hex = DeviceSchema.read(ConfigNode.parse("devices/st.json", json.replace(",\"encoding\":\"ascii\"", ""), new ConfigProblems()),
                new Sl651Schema());
        assertEquals(org.tidegate.driver.sl651.codec.Encoding.HEX, ((Sl651Settings) hex.settings()).encoding());
        Device named = DeviceSchema.read(ConfigNode.parse("devices/st.json", device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"",
                "{\"id\":\"level\",\"address\":\"Z\"},{\"id\":\"rain\",\"address\":\"PJ\"}"), new ConfigProblems()), new Sl651Schema());
        assertEquals(new Sl651ChannelSettings(0x39), named.channels().get(0).settings(), "Z is element 39 in either encoding");
        assertEquals(new Sl651ChannelSettings(0x20), named.channels().get(1).settings());
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", "{\"id\":\"x\",\"address\":\"ZZ\"}"),
                "devices/st.json: $.channels[0].address: must be an element identifier, 2 hex digits 01-EF like 39 (water level) or 1F"
                        + " (daily rainfall), or an ASCII identifier PD, PJ, PT, VT, Z");
    }

    @Test
    void refusals() {
        refused(device("\"port\":\"/dev/ttyS1\"", LEVEL), "devices/st.json: $.connection.station: is required");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"00112233\"", LEVEL), "devices/st.json: $.connection.station: must be the station address as 10 hex digits");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\",\"password\":\"1000000\"", LEVEL), "devices/st.json: $.connection.password: must be the station's password as 4 hex digits");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\",\"timeZone\":\"Mars/Base\"", LEVEL), "devices/st.json: $.connection.timeZone: is not a time zone");
        refused(device("\"transport\":\"tcp\",\"station\":\"0011223344\"", LEVEL), "devices/st.json: $.connection.listenPort: is required");
        refused(device("\"transport\":\"tpc\",\"station\":\"0011223344\"", LEVEL), "devices/st.json: $.connection.transport: \"tpc\" is not one of");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\",\"encoding\":\"bcd\"", LEVEL), "devices/st.json: $.connection.encoding: \"bcd\" is not one of");
        refused(device("\"port\":\"/dev/ttyS1\",\"staton\":\"0011223344\"", LEVEL), "devices/st.json: $.connection.staton: unknown key (did you mean \"station\"?)");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", "{\"id\":\"x\",\"address\":\"F0\"}"), "devices/st.json: $.channels[0].address: must be an element identifier");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", "{\"id\":\"x\",\"address\":\"39\",\"type\":\"int16\"}"), "devices/st.json: $.channels[0].type: an SL 651 element is a decimal number");
        refused(device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", "{\"id\":\"x\",\"address\":\"39\",\"access\":\"readwrite\"}"), "devices/st.json: $.channels[0].access: SL 651 channels are read only");
    }

    @Test
    void oneDevicePerStationAndNoPollingOnAStationPort() {
        List<HomeCheck.DecodedDevice> devices = new ArrayList<>();
        ConfigProblems problems = new ConfigProblems();
        for (String[] f : new String[][] {
                {"devices/a.json", device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", LEVEL)},
                {"devices/b.json", device("\"port\":\"/dev/ttyS1\",\"station\":\"0011223344\"", LEVEL)},
                {"devices/c.json", device("\"transport\":\"tcp\",\"listenPort\":5005,\"station\":\"0000000001\"", LEVEL)},
                {"devices/d.json", device("\"transport\":\"tcp\",\"bind\":\"127.0.0.1\",\"listenPort\":5005,\"station\":\"0000000002\"", LEVEL)},
                {"devices/e.json", device("\"transport\":\"tcp\",\"listenPort\":5005,\"station\":\"0000000003\",\"encoding\":\"ascii\"", LEVEL)}}) {
            ConfigNode n = ConfigNode.parse(f[0], f[1].replace("\"id\":\"st\"", "\"id\":\"" + f[0].substring(8, 9) + "\""), problems);
            devices.add(new HomeCheck.DecodedDevice(DeviceSchema.read(n, new Sl651Schema()), n));
        }
        new ListenerCheck().check(devices);
        List<String> p = problems.errors().stream().map(Object::toString).toList();
        assertTrue(p.stream().anyMatch(s -> s.startsWith("devices/b.json: $.connection.station: station 0011223344 is also received by device a")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("devices/d.json: $.connection.bind: TCP port 5005 is also listened on by device c")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("devices/e.json: $.connection.encoding: is ascii, but device c on the same port is hex")
                && s.contains("hint")), p.toString());
        assertEquals(3, p.size(), p.toString());
    }
}
