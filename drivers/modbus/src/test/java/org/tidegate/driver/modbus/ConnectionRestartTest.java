package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.modbus.Devices.ch;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.driver.modbus.slave.ModbusTcpSlave;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.driver.modbus.slave.SlaveUnits;

/**
 * A connection restart ({@link DevicePoller#restartSession()}, what {@code DeviceRestarts} runs) closes the device's
 * TCP connection and opens a new one, as a Modbus TCP server sees it: the old client port is gone, a new connection
 * was accepted, and the first poll on it is answered, long before the device's next scheduled poll.
 */
@Timeout(20)
class ConnectionRestartTest {

    @Test
    void restartClosesTheTcpConnectionAndPollsOnANewOne() throws Exception {
        RegisterBank bank = new RegisterBank(8, 8, 8, 8);
        bank.setHolding(0, 1234);
        ModbusDriver driver = new ModbusDriver();
        try (ModbusTcpSlave slave = ModbusTcpSlave.start(new SlaveUnits().add(1, bank), "127.0.0.1", 0)) {
            // a 10 s poll interval: the restart's poll must not wait for the schedule
            Device d = Devices.decode(Devices.document("rs-1", Devices.tcpConnection(slave.port(), 1), 10_000, 500, 0,
                    List.of(ch("v", "hr:0", DataType.UINT16)), Map.of()));
            AtomicLong good = new AtomicLong();
            try (DevicePoller p = new DevicePoller(d, () -> driver.open(d), () -> List.of(b -> {
                if (b.samples().stream().allMatch(s -> s.isGood())) {
                    good.incrementAndGet();
                }
            })).start()) {
                waitUntil(() -> good.get() == 1 && slave.openConnectionPorts().size() == 1);
                Set<Integer> before = slave.openConnectionPorts();
                assertEquals(1, slave.connectionsAccepted());

                long t0 = System.nanoTime();
                DeviceHealth h = p.restartSession().get(5, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;

                assertEquals("up", h.state(), h::toString);
                assertEquals(2, h.polls(), "counters go on across a restart");
                assertEquals(2, good.get(), "the first poll on the new connection was answered");
                assertEquals(2, slave.connectionsAccepted(), "the server accepted a new connection");
                waitUntil(() -> slave.openConnectionPorts().size() == 1);
                Set<Integer> after = slave.openConnectionPorts();
                assertFalse(after.equals(before), () -> "the old connection is closed: before " + before + ", after " + after);
                assertTrue(ms < 3000, "restart took " + ms + " ms");
            }
        } finally {
            driver.close();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(10);
        }
    }
}
