package org.tidegate.driver.serial.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.serial.SerialSettings;

/** {@link PortPresentCheck}: a serial port that is not there now is a warning at {@code $.connection.port}. */
class PortPresentCheckTest {
    /** Settings of a serial protocol, or of one reached over TCP (no line) when the connection has {@code host}. */
    record LineSettings(SerialSettings serialLine) implements DeviceSettings, SerialLineUser {
    }

    /** A driver on a serial line, as Modbus RTU, DL/T 645 and SL 651 read one: {@link SerialSettings#read}. */
    static final DriverSchema LINE_DRIVER = new DriverSchema() {
        @Override
        public String protocol() {
            return "line";
        }

        @Override
        public DeviceSettings device(ConfigNode connection, ConfigNode options) {
            if (connection.child("host").present()) {
                connection.string("host", true, "");
                connection.integer("port", 1, 65535, 1, true);
                return new LineSettings(null);
            }
            return new LineSettings(SerialSettings.read(connection));
        }

        @Override
        public ChannelSpec channel(ConfigNode channel, DeviceSettings device) {
            return new ChannelSpec(channel.string("address", true, ""), CommonKeys.dataType(channel, DataType.FLOAT64),
                    null, null, 0, CommonKeys.access(channel), null);
        }
    };

    @TempDir
    Path dir;
    private final ConfigProblems problems = new ConfigProblems();
    private final List<HomeCheck.DecodedDevice> devices = new ArrayList<>();

    private void device(String id, String connection) {
        String file = "devices/" + id + ".json";
        ConfigNode n = ConfigNode.parse(file, "{\"id\":\"" + id + "\",\"protocol\":\"line\",\"connection\":{" + connection
                + "},\"channels\":[{\"id\":\"a\",\"address\":\"0\"}]}", problems);
        devices.add(new HomeCheck.DecodedDevice(DeviceSchema.read(n, LINE_DRIVER), n));
    }

    private List<String> problems() {
        new PortPresentCheck().check(devices);
        List<String> out = new ArrayList<>();
        problems.errors().forEach(p -> out.add("error " + p));
        problems.warnings().forEach(p -> out.add("warning " + p));
        return out;
    }

    @Test
    void aPortThatDoesNotExistIsAWarningAtThePort() throws Exception {
        Path present = Files.createFile(dir.resolve("ttyUSB0"));
        device("here", "\"port\":\"" + present + "\"");
        device("gone", "\"port\":\"" + dir.resolve("ttyUSB9") + "\",\"baud\":19200");
        assertEquals(List.of("warning devices/gone.json: $.connection.port: " + dir.resolve("ttyUSB9")
                + " does not exist now (a USB adapter not plugged in?); the gateway will retry opening it"), problems());
    }

    @Test
    void noWarningWithoutALineOrWithoutAPort() {
        device("tcp", "\"host\":\"10.0.0.9\",\"port\":502");
        device("noport", "\"baud\":9600");
        device("blank", "\"port\":\" \"");
        List<String> p = problems();
        assertTrue(p.stream().noneMatch(s -> s.startsWith("warning")), p::toString);
        assertEquals(2, p.size(), p::toString); // the schema's own errors: port required, port empty
    }

    @Test
    void theBundleListsTheCheck() {
        assertTrue(ServiceLoader.load(HomeCheck.class).stream().anyMatch(p -> p.type() == PortPresentCheck.class));
    }
}
