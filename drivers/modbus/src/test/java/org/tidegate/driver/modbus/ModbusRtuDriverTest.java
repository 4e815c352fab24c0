package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.modbus.Devices.ch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.modbus.slave.Fault;
import org.tidegate.driver.modbus.slave.ModbusRtuSlave;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.driver.modbus.slave.SlaveUnits;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/** The driver over Modbus RTU on a socat pty pair, our slave on the other end answering for two units. */
class ModbusRtuDriverTest {

    @Test
    void sharedBusStatusesAndNoInterleaving(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        RegisterBank one = new RegisterBank(8, 8, 8, 64);
        RegisterBank two = new RegisterBank(8, 8, 8, 64);
        for (int i = 0; i < 20; i++) {
            one.setHolding(i, 1000 + i);
            two.setHolding(i, 2000 + i);
        }
        SlaveUnits units = new SlaveUnits().add(1, one).add(2, two);
        List<Channel> cs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cs.add(ch("r" + i, "hr:" + i, DataType.UINT16));
        }
        try (SocatPair pair = SocatPair.start(dir);
             ModbusRtuSlave slave = ModbusRtuSlave.start(units, SerialSettings.of(pair.endB().toString(), 115200));
             ModbusDriver driver = new ModbusDriver()) {
            Device d1 = Devices.rtu("rtu-1", pair.endA().toString(), 1, 500, 1, cs);
            Device d2 = Devices.rtu("rtu-2", pair.endA().toString(), 2, 500, 1, cs);
            try (DeviceSession s1 = driver.open(d1); DeviceSession s2 = driver.open(d2)) {
                // Two threads hammer the same bus: every answer must be the right unit's, in full.
                ExecutorService pool = Executors.newFixedThreadPool(2);
                Future<Integer> f1 = pool.submit(() -> hammer(s1, cs, 1000));
                Future<Integer> f2 = pool.submit(() -> hammer(s2, cs, 2000));
                assertEquals(60, f1.get(60, TimeUnit.SECONDS));
                assertEquals(60, f2.get(60, TimeUnit.SECONDS));
                pool.shutdown();

                Channel c = cs.get(0);
                units.fault(1, Fault.BAD_CRC);
                ChannelReading crc = s1.read(List.of(c)).get(0);
                assertEquals(ReadStatus.CRC_ERROR, crc.status(), crc.detail());
                assertTrue(crc.detail().contains("CRC mismatch"), crc.detail());

                units.fault(1, Fault.SHORT_FRAME);
                ChannelReading shortFrame = s1.read(List.of(c)).get(0);
                assertEquals(ReadStatus.MALFORMED, shortFrame.status(), shortFrame.detail());
                assertTrue(shortFrame.detail().startsWith("short frame from unit 1: 5 of 7 bytes"), shortFrame.detail());

                units.fault(1, Fault.SILENT);
                ChannelReading timeout = s1.read(List.of(c)).get(0);
                assertEquals(ReadStatus.TIMEOUT, timeout.status());
                // Unit 2 on the same bus is unaffected.
                assertEquals(2000L, s2.read(List.of(c)).get(0).raw());

                units.fault(1, Fault.NONE);
                // Unit 1 failed three polls in a row (CRC, short, silent), so it backs off (at most four poll
                // intervals of 200 ms) to leave the shared bus to unit 2; the next poll after that answers.
                ChannelReading backingOff = s1.read(List.of(c)).get(0);
                assertEquals(ReadStatus.TIMEOUT, backingOff.status(), backingOff.detail());
                assertTrue(backingOff.detail().contains("backing off after 3 failed polls"), backingOff.detail());
                Thread.sleep(800);
                assertEquals(1000L, s1.read(List.of(c)).get(0).raw());
                ChannelReading ex = s1.read(List.of(ch("x", "hr:100", DataType.UINT16))).get(0);
                assertEquals(ReadStatus.DEVICE_EXCEPTION, ex.status());

                Channel w = ch("w", "hr:30", DataType.FLOAT32);
                assertEquals(ReadStatus.OK, s2.write(w, 4.25).status());
                assertEquals(4.25, s2.read(List.of(w)).get(0).raw());

                // Same port with different line settings is a configuration error, not a second bus.
                Device other = Devices.decode(Devices.document("rtu-3", java.util.Map.of("transport", "rtu",
                        "port", pair.endA().toString(), "baud", 9600, "unit", 3), 1000, 1000, 0, cs, java.util.Map.of()));
                assertThrows(DriverException.class, () -> driver.open(other));
            }
        }
    }

    @Test
    void missingPortIsNotConnectedNotAnException(@TempDir Path dir) throws Exception {
        try (ModbusDriver driver = new ModbusDriver()) {
            Channel c = ch("c", "hr:0", DataType.UINT16);
            try (DeviceSession s = driver.open(Devices.rtu("gone", dir.resolve("ttyNone").toString(), 1, 200, 0, List.of(c)))) {
                ChannelReading r = s.read(List.of(c)).get(0);
                assertEquals(ReadStatus.NOT_CONNECTED, r.status());
                assertTrue(r.detail().contains("does not exist"), r.detail());
            }
        }
    }

    private static int hammer(DeviceSession s, List<Channel> cs, long base) {
        int ok = 0;
        for (int round = 0; round < 60; round++) {
            List<ChannelReading> r = s.read(cs);
            boolean all = true;
            for (int i = 0; i < r.size(); i++) {
                if (!r.get(i).ok() || !r.get(i).raw().equals(base + i)) {
                    all = false;
                }
            }
            ok += all ? 1 : 0;
        }
        return ok;
    }
}
