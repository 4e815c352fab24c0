package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.modbus.Devices.ch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.serial.testing.SocatPair;

/** Our driver against a slave nobody here wrote: pymodbus 3.0 (Debian python3-pymodbus), over TCP and RTU. */
class PymodbusInteropTest {
    private static final List<Channel> CHANNELS = List.of(
            ch("a", "hr:0", DataType.UINT16), ch("b", "hr:1", DataType.UINT16), ch("c", "hr:2", DataType.UINT16),
            ch("level", "hr:10", DataType.FLOAT32),
            ch("count", "hr:20", DataType.UINT32, Endian.BIG, Endian.LITTLE),
            ch("ir", "ir:0", DataType.UINT16), ch("relay", "coil:3", DataType.BOOL), ch("door", "di:1", DataType.BOOL),
            ch("missing", "hr:500", DataType.UINT16));

    private static boolean pymodbusUsable() throws Exception {
        if (!ExternalTools.usable("/usr/bin/python3")) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import pymodbus.server, serial_asyncio").start();
        boolean ok = p.waitFor() == 0;
        if (!ok && System.getenv("CI") != null) {
            throw new IllegalStateException("python3-pymodbus and python3-serial-asyncio are required in CI");
        }
        return ok;
    }

    @Test
    void tcp(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(pymodbusUsable());
        int port = Devices.freePort();
        Path script = PeerProcess.resource(dir, "pymodbus_server.py");
        try (PeerProcess server = PeerProcess.start(dir, "pymodbus", List.of("/usr/bin/python3", script.toString(), "tcp", "" + port));
             ModbusDriver driver = new ModbusDriver()) {
            server.awaitTcp(port, 15000);
            Device d = Devices.tcp("py-tcp", port, 1, 2000, 1, CHANNELS, Map.of("maxGap", 10));
            try (DeviceSession s = driver.open(d)) {
                check(s);
            }
        }
    }

    @Test
    void rtuOverPtyPair(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        Assumptions.assumeTrue(pymodbusUsable());
        Path script = PeerProcess.resource(dir, "pymodbus_server.py");
        try (SocatPair pair = SocatPair.start(dir);
             PeerProcess server = PeerProcess.start(dir, "pymodbus", List.of("/usr/bin/python3", script.toString(), "rtu",
                     pair.endB().toString()));
             ModbusDriver driver = new ModbusDriver()) {
            server.awaitOutput("starting", 15000);
            Device d = Devices.rtu("py-rtu", pair.endA().toString(), 1, 1000, 2, CHANNELS);
            try (DeviceSession s = driver.open(d)) {
                // The server needs a moment to open its end; poll until it answers.
                long deadline = System.currentTimeMillis() + 15000;
                while (!s.read(List.of(CHANNELS.get(0))).get(0).ok() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                check(s);
            }
        }
    }

    private static void check(DeviceSession s) {
        for (int round = 0; round < 3; round++) {
            List<ChannelReading> r = s.read(CHANNELS);
            for (int i = 0; i < 8; i++) {
                assertTrue(r.get(i).ok(), r.get(i).channel().id() + " " + r.get(i).status() + " " + r.get(i).detail());
            }
            assertEquals(555L, r.get(0).raw());
            assertEquals(0L, r.get(1).raw());
            assertEquals(100L, r.get(2).raw());
            assertEquals((double) 123.456f, r.get(3).raw());
            assertEquals(0x12345678L, r.get(4).raw());
            assertEquals(1234L, r.get(5).raw());
            assertEquals(true, r.get(6).raw());
            assertEquals(true, r.get(7).raw());
            assertEquals(ReadStatus.DEVICE_EXCEPTION, r.get(8).status(), r.get(8).detail());
        }
        Channel sp = ch("sp", "hr:30", DataType.INT32);
        assertEquals(ReadStatus.OK, s.write(sp, -100000L).status());
        assertEquals(-100000L, s.read(List.of(sp)).get(0).raw());
        Channel relay = CHANNELS.get(6);
        assertEquals(ReadStatus.OK, s.write(relay, false).status());
        assertEquals(false, s.read(List.of(relay)).get(0).raw());
    }
}
