package org.tidegate.core.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.DeviceHealth;

/** Connection restarts of a poller: the session swapped between polls, an open that fails, a poller that closes. */
@Timeout(20)
class DevicePollerRestartTest {
    private final Channel v = Channel.of("v", "hr:0", DataType.UINT16, "");
    private final Device device = new Device("d1", "", "test", Duration.ofSeconds(30), Duration.ofMillis(100), 0,
            List.of(v), null);
    private final List<Session> opened = new CopyOnWriteArrayList<>();
    private final AtomicBoolean openFails = new AtomicBoolean();

    final class Session implements DeviceSession {
        volatile boolean closed;
        volatile int reads;

        @Override
        public List<ChannelReading> read(List<Channel> channels) {
            reads++;
            return channels.stream().map(c -> closed ? ChannelReading.failed(c, ReadStatus.IO_ERROR, "closed", 1)
                    : ChannelReading.ok(c, 7L, System.currentTimeMillis())).toList();
        }

        @Override
        public ChannelReading write(Channel channel, Object rawValue) {
            return ChannelReading.ok(channel, rawValue, 1);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private DeviceSession open() throws DriverException {
        if (openFails.get()) {
            throw new DriverException("port gone");
        }
        Session s = new Session();
        opened.add(s);
        return s;
    }

    @Test
    void restartSwapsTheSessionAndPollsAtOnce() throws Exception {
        try (DevicePoller p = new DevicePoller(device, this::open, List::of).start()) {
            waitUntil(() -> p.health().polls() == 1);
            long t0 = System.nanoTime();
            DeviceHealth h = p.restartSession().get(5, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "not at the next 30 s tick");
            assertEquals(2, opened.size());
            assertTrue(opened.get(0).closed, "the old session is closed");
            assertEquals(1, opened.get(0).reads);
            assertEquals(1, opened.get(1).reads, "the first poll ran on the new session");
            assertEquals("up", h.state());
            assertEquals(2, h.polls());
        }
        assertTrue(opened.get(1).closed, "close closes the session in use");
    }

    @Test
    void aSessionThatCannotBeOpenedFailsTheRestartAndIsTriedAgainAtEveryPoll() throws Exception {
        Device fast = new Device("d2", "", "test", Duration.ofMillis(50), Duration.ofMillis(100), 0, List.of(v), null);
        try (DevicePoller p = new DevicePoller(fast, this::open, List::of).start()) {
            waitUntil(() -> p.health().polls() >= 1);
            openFails.set(true);
            ExecutionException e = assertThrows(ExecutionException.class, () -> p.restartSession().get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("port gone"), e::toString);
            waitUntil(() -> p.health().state().equals("down"));
            assertTrue(p.health().lastError().contains("not_connected: no session: port gone"), p.health()::toString);
            assertEquals(ReadStatus.NOT_CONNECTED, p.readNow("v").status());
            openFails.set(false);
            waitUntil(() -> p.health().state().equals("up") && opened.size() == 2);
        }
    }

    @Test
    void aRestartStillWaitingWhenThePollerClosesFails() throws Exception {
        DevicePoller p = new DevicePoller(device, this::open, List::of);
        assertThrows(ExecutionException.class, () -> p.restartSession().get(1, TimeUnit.SECONDS), "not polling");
        p.start();
        waitUntil(() -> p.health().polls() == 1);
        p.close();
        CompletableFuture<DeviceHealth> late = p.restartSession();
        assertThrows(ExecutionException.class, () -> late.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aPollerGivenASessionCannotRestartIt() {
        DevicePoller p = new DevicePoller(device, new Session(), List::of);
        assertThrows(UnsupportedOperationException.class, p::restartSession);
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(5);
        }
    }
}
