package org.tidegate.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.DeviceRestart;
import org.tidegate.core.pipeline.DeviceRestartException;
import org.tidegate.core.pipeline.DeviceRestarts;

/** The one restart service: who asked is required, the deadline is bounded and kept, unknown devices are named. */
@Timeout(10)
class DeviceRestartServiceTest {

    /** A device whose restart completes as the test says. */
    static final class Fake implements RestartableDevice {
        final Device device;
        volatile CompletableFuture<DeviceHealth> next = new CompletableFuture<>();

        Fake(String id) {
            device = new Device(id, "", "test", Duration.ofSeconds(1), Duration.ofSeconds(1), 0, List.of(), null);
        }

        @Override
        public CompletableFuture<DeviceHealth> restartConnection() {
            return next;
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public DeviceHealth health() {
            return new DeviceHealth(device.id(), "up", 1, 0, 0, 1, 1, "", 0);
        }

        @Override
        public ChannelReading write(String channelId, Object value) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void countsBoundsAndNamesWhatWentWrong() throws Exception {
        DeviceRestartService s = new DeviceRestartService();
        Fake a = new Fake("pm-001");
        s.addDevice(a);
        s.addDevice(new Fake("wl-001"));

        DeviceRestartException unknown = assertThrows(DeviceRestartException.class,
                () -> s.restart("nope", "test", Duration.ofSeconds(1)));
        assertEquals(DeviceRestartException.Reason.UNKNOWN_DEVICE, unknown.reason());
        assertEquals("no running device \"nope\" (running: pm-001, wl-001)", unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.restart("pm-001", " ", Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> s.restart("pm-001", "test", Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> s.restart("pm-001", "test", DeviceRestarts.MAX_DEADLINE.plusSeconds(1)));
        assertEquals(0, s.restarts("pm-001"), "refused requests are not restarts");

        a.next.complete(new DeviceHealth("pm-001", "up", 2, 0, 0, 5, 3, "", 0));
        DeviceRestart done = s.restart("pm-001", "console user=admin", Duration.ofSeconds(1));
        assertEquals("up", done.firstPoll().state());
        assertEquals(1, done.restarts());
        assertEquals("console user=admin", done.requestedBy());

        // no first poll in time: TIMEOUT at the deadline, and the pending restart is given up (dropped if not begun)
        a.next = new CompletableFuture<>();
        long t0 = System.nanoTime();
        DeviceRestartException late = assertThrows(DeviceRestartException.class,
                () -> s.restart("pm-001", "test", Duration.ofMillis(200)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(DeviceRestartException.Reason.TIMEOUT, late.reason());
        assertTrue(ms >= 190 && ms < 2000, ms + " ms");
        assertTrue(a.next.isCancelled());

        a.next = CompletableFuture.failedFuture(new org.tidegate.core.driver.DriverException("port /dev/ttyS1 is gone"));
        DeviceRestartException failed = assertThrows(DeviceRestartException.class,
                () -> s.restart("pm-001", "test", Duration.ofSeconds(1)));
        assertEquals(DeviceRestartException.Reason.FAILED, failed.reason());
        assertTrue(failed.getMessage().contains("port /dev/ttyS1 is gone"), failed::getMessage);
        assertEquals(3, s.restarts("pm-001"), "every restart asked for is counted, whatever its outcome");
        assertEquals(0, s.restarts("wl-001"));

        s.removeDevice(a);
        assertEquals(DeviceRestartException.Reason.UNKNOWN_DEVICE,
                assertThrows(DeviceRestartException.class, () -> s.restart("pm-001", "test", Duration.ofSeconds(1))).reason());
    }
}
