package org.tidegate.driver.dlt645;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.serial.SerialSettings;

/** What {@link Dlt645Schema} accepts and refuses, with the path a technician sees. */
class Dlt645SchemaTest {
    private static final String CONN = "\"connection\":{\"port\":\"/dev/ttyUSB1\",\"address\":\"123456789012\"}";

    private static List<String> problems(String json) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.parse("devices/m.json", json, problems);
        DeviceSchema.read(root, new Dlt645Schema());
        root.reportUnknownKeys();
        return problems.errors().stream().map(Object::toString).toList();
    }

    private static String device(String connection, String channel) {
        return "{\"id\":\"m\",\"protocol\":\"dlt645\"," + connection + ",\"channels\":[" + channel + "]}";
    }

    private static void refused(String json, String expected) {
        List<String> p = problems(json);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(expected)), () -> "expected " + expected + " in " + p);
    }

    @Test
    void aMeterWithItsDefaults() {
        String json = device(CONN, "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"unit\":\"kW\"},"
                + "{\"id\":\"ua\",\"address\":\"02010100\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"e\",\"address\":\"00010000\",\"format\":\"XXXXXX.XX\"}");
        assertEquals(List.of(), problems(json));
        ConfigProblems problems = new ConfigProblems();
        Device d = DeviceSchema.read(ConfigNode.parse("devices/m.json", json, problems), new Dlt645Schema());
        Dlt645Settings s = (Dlt645Settings) d.settings();
        assertEquals(new SerialSettings("/dev/ttyUSB1", 2400, SerialSettings.Parity.EVEN, 8, 1), s.serial());
        assertEquals(new MeterAddress("123456789012"), s.meter());
        assertEquals(new Dlt645ChannelSettings(0x02030000, new BcdFormat(6, 4, true)), d.channels().get(0).settings());
        assertEquals(new Dlt645ChannelSettings(0x02010100, new BcdFormat(4, 1, false)), d.channels().get(1).settings());
        assertEquals(new Dlt645ChannelSettings(0x00010000, new BcdFormat(8, 2, false)), d.channels().get(2).settings());
    }

    @Test
    void lineKeysOverrideTheDefaults() {
        String json = device("\"connection\":{\"port\":\"/dev/ttyUSB1\",\"address\":\"123456789012\",\"baud\":9600,\"parity\":\"none\"}",
                "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"signed\":false}");
        ConfigProblems problems = new ConfigProblems();
        Device d = DeviceSchema.read(ConfigNode.parse("devices/m.json", json, problems), new Dlt645Schema());
        assertEquals(List.of(), problems.errors());
        assertEquals(SerialSettings.of("/dev/ttyUSB1", 9600), ((Dlt645Settings) d.settings()).serial());
        assertEquals(new BcdFormat(6, 4, false), ((Dlt645ChannelSettings) d.channels().get(0).settings()).format());
    }

    @Test
    void aMeterBehindATcpSerialServer() {
        String json = device("\"connection\":{\"transport\":\"tcp\",\"host\":\"10.0.0.7\",\"port\":4001,\"address\":\"123456789012\"}",
                "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"}");
        assertEquals(List.of(), problems(json));
        Device d = DeviceSchema.read(ConfigNode.parse("devices/m.json", json, new ConfigProblems()), new Dlt645Schema());
        Dlt645Settings s = (Dlt645Settings) d.settings();
        assertEquals(new Dlt645Settings.Tcp("10.0.0.7", 4001), s.tcp());
        assertEquals(null, s.serialLine(), "no serial line to share");
        refused(device("\"connection\":{\"transport\":\"tcp\",\"host\":\"10.0.0.7\",\"address\":\"123456789012\"}", "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"}"),
                "devices/m.json: $.connection.port: is required");
        refused(device("\"connection\":{\"transport\":\"tcp\",\"host\":\"10.0.0.7\",\"port\":4001,\"baud\":9600,\"address\":\"123456789012\"}", "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"}"),
                "devices/m.json: $.connection.baud: unknown key");
    }

    @Test
    void refusals() {
        String ch = "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"}";
        refused(device("\"connection\":{\"port\":\"/dev/ttyUSB1\"}", ch), "devices/m.json: $.connection.address: is required");
        refused(device("\"connection\":{\"port\":\"/dev/ttyUSB1\",\"address\":\"12345678901\"}", ch), "devices/m.json: $.connection.address: must be the meter's 12-digit address");
        refused(device("\"connection\":{\"port\":\"/dev/ttyUSB1\",\"adress\":\"123456789012\"}", ch), "devices/m.json: $.connection.adress: unknown key (did you mean \"address\"?)");
        refused(device(CONN, "{\"id\":\"p\",\"address\":\"0203000\",\"format\":\"XX.XXXX\"}"), "devices/m.json: $.channels[0].address: data identifier \"0203000\" is not 8 hex digits");
        refused(device(CONN, "{\"id\":\"p\",\"address\":\"02030000\"}"), "devices/m.json: $.channels[0].format: is required");
        refused(device(CONN, "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXX\"}"), "devices/m.json: $.channels[0].format: format \"XX.XXX\" has 5 digits");
        refused(device(CONN, "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"type\":\"uint16\"}"), "devices/m.json: $.channels[0].type: a DL/T 645 value is a decimal number");
        refused(device(CONN, "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"access\":\"write\"}"), "devices/m.json: $.channels[0].access: DL/T 645 channels are read only");
        refused(device(CONN, "{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"sigend\":true}"), "devices/m.json: $.channels[0].sigend: unknown key (did you mean \"signed\"?)");
    }

    @Test
    void listedAndTheSameAsTheDriversSchema() {
        // a protocol is accepted exactly when a bundle provides its schema, next to the FieldDriver that runs it
        boolean listed = StreamSupport.stream(ServiceLoader.load(DriverSchema.class).spliterator(), false)
                .anyMatch(s -> s instanceof Dlt645Schema && s.protocol().equals(Dlt645Schema.PROTOCOL));
        assertTrue(listed, "dlt645 must be listed in META-INF/services/org.tidegate.core.config.DriverSchema");
        try (Dlt645Driver driver = new Dlt645Driver()) {
            assertEquals(Dlt645Schema.PROTOCOL, driver.protocol());
            assertTrue(driver.schema() instanceof Dlt645Schema);
        }
    }
}
