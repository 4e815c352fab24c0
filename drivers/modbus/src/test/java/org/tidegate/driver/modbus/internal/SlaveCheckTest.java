package org.tidegate.driver.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.driver.modbus.ModbusSchema;

/** {@link SlaveCheck}: two Modbus devices polling one slave are a warning at the later one's unit, never an error. */
class SlaveCheckTest {
    private static final String CHANNELS = "\"channels\":[{\"id\":\"a\",\"address\":\"hr:0\",\"type\":\"uint16\"}]";

    private final ConfigProblems problems = new ConfigProblems();
    private final List<HomeCheck.DecodedDevice> devices = new ArrayList<>();

    private void device(String id, String connection) {
        String file = "devices/" + id + ".json";
        ConfigNode n = ConfigNode.parse(file, "{\"id\":\"" + id + "\",\"protocol\":\"modbus\",\"connection\":{"
                + connection + "}," + CHANNELS + "}", problems);
        devices.add(new HomeCheck.DecodedDevice(DeviceSchema.read(n, new ModbusSchema()), n));
    }

    private List<String> warnings() {
        new SlaveCheck().check(devices);
        assertEquals(0, problems.errorCount(), problems::describeErrors);
        return problems.warnings().stream().map(Object::toString).toList();
    }

    @Test
    void aCopiedRtuDeviceFileWarnsAtTheLaterUnitNamingTheFirst() {
        device("op-rtu", "\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB0\",\"unit\":5");
        device("op-rtu2", "\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB0\",\"unit\":5");
        assertEquals(List.of("devices/op-rtu2.json: $.connection.unit: unit 5 on /dev/ttyUSB0 is polled by device op-rtu"
                + " (devices/op-rtu.json) too: two devices read one slave (intended only if they read different registers)"),
                warnings());
    }

    @Test
    void otherUnitsOrPortsAreOtherSlaves() {
        device("a", "\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB0\",\"unit\":5");
        device("b", "\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB0\",\"unit\":6");
        device("c", "\"transport\":\"rtu\",\"port\":\"/dev/ttyUSB1\",\"unit\":5");
        device("d", "\"transport\":\"tcp\",\"host\":\"10.0.0.5\",\"unit\":5");
        device("e", "\"transport\":\"tcp\",\"host\":\"10.0.0.5\",\"port\":1502,\"unit\":5");
        device("f", "\"transport\":\"tcp\",\"host\":\"10.0.0.6\",\"unit\":5");
        device("g", "\"transport\":\"tcp\",\"host\":\"10.0.0.5\",\"unit\":6");
        assertEquals(List.of(), warnings());
    }

    @Test
    void tcpHostsCompareIgnoringCaseAndAnAbsentUnitIsTheDefaultAtTheConnection() {
        device("pm-1", "\"transport\":\"tcp\",\"host\":\"Meter-A.local\",\"port\":502,\"unit\":1");
        device("pm-2", "\"transport\":\"tcp\",\"host\":\"meter-a.LOCAL\"");
        device("pm-3", "\"transport\":\"tcp\",\"host\":\"meter-a.local\",\"unit\":1");
        assertEquals(List.of(
                "devices/pm-2.json: $.connection: unit 1 on meter-a.LOCAL:502 is polled by device pm-1 (devices/pm-1.json)"
                        + " too: two devices read one slave (intended only if they read different registers)",
                "devices/pm-3.json: $.connection.unit: unit 1 on meter-a.local:502 is polled by device pm-1"
                        + " (devices/pm-1.json) too: two devices read one slave (intended only if they read different registers)"),
                warnings());
    }

    @Test
    void theBundleListsTheCheck() {
        assertTrue(ServiceLoader.load(HomeCheck.class).stream().anyMatch(p -> p.type() == SlaveCheck.class));
    }
}
