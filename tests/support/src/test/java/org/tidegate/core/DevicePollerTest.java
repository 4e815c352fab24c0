package org.tidegate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.InMemoryDriver;

class DevicePollerTest {
    static Device device(String id, long intervalMs) {
        return new Device(id, "p", InMemoryDriver.PROTOCOL, Duration.ofMillis(intervalMs), Duration.ofMillis(100), 0,
                List.of(new Channel("level", "m:0", DataType.UINT16, Endian.BIG, Endian.BIG, 0, 0.01, -1.0, "m", Access.READ, null, ""),
                        Channel.of("ok", "m:1", DataType.BOOL, ""),
                        new Channel("relay", "m:2", DataType.BOOL, null, null, 0, 1, 0, "", Access.WRITE, null, "")), null);
    }

    @Test
    void readingsBecomeScaledSamplesAndFailuresBecomeBadWithTheirReason() {
        InMemoryDriver driver = new InMemoryDriver();
        driver.set("d1", "level", 250L);
        driver.set("d1", "ok", true);
        List<SampleBatch> got = new CopyOnWriteArrayList<>();
        SampleSink sink = got::add;
        Device d = device("d1", 1000);
        try (DevicePoller p = new DevicePoller(d, driver.open(d), () -> List.of(sink))) {
            SampleBatch b = p.pollOnce();
            assertEquals(2, b.samples().size(), "write-only channels are not polled");
            Sample level = b.samples().get(0);
            assertEquals(Quality.GOOD, level.quality());
            assertEquals(250 * 0.01 - 1.0, level.numeric(), 1e-9);
            assertEquals("m", level.unit());
            assertEquals(true, b.samples().get(1).value());
            assertEquals("up", p.health().state());

            driver.fail("d1", ReadStatus.TIMEOUT);
            SampleBatch bad = p.pollOnce();
            assertEquals(Quality.BAD, bad.samples().get(0).quality());
            assertNull(bad.samples().get(0).value());
            assertEquals("timeout: injected", bad.samples().get(0).detail());
            assertEquals("down", p.health().state());
            assertEquals(1, p.health().failedPolls());
            assertTrue(p.health().lastError().contains("timeout"));
            assertEquals(2, got.size(), "every poll reaches the sink, good or bad");
        }
    }

    @Test
    void writesUndoScaleAndRefuseReadOnlyChannels() {
        InMemoryDriver driver = new InMemoryDriver();
        Device d = device("d2", 1000);
        try (DevicePoller p = new DevicePoller(d, driver.open(d), List::of)) {
            assertTrue(p.write("relay", true).ok());
            assertEquals(List.of("d2/relay=true"), driver.writes());
            assertThrows(IllegalArgumentException.class, () -> p.write("level", 1.0));
            assertThrows(IllegalArgumentException.class, () -> p.write("nope", 1.0));
        }
    }

    @Test
    @Timeout(30)
    void aSlowDeviceNeverStallsAnotherAndOverrunsSkipTicks() throws Exception {
        InMemoryDriver driver = new InMemoryDriver();
        driver.readDelay(700); // devices whose id starts with "slow" take 700 ms per read
        Device fast = device("fast", 50);
        Device slow = device("slow", 100);
        driver.set("fast", "level", 1L);
        try (DevicePoller f = new DevicePoller(fast, driver.open(fast), List::of);
             DevicePoller s = new DevicePoller(slow, driver.open(slow), List::of)) {
            s.start();
            f.start();
            Thread.sleep(2000);
            long fastPolls = f.health().polls();
            long slowPolls = s.health().polls();
            // ~40 ticks in 2 s; allow a very loaded machine half of that. The slow one manages ~3.
            assertTrue(fastPolls >= 20, "fast device polled only " + fastPolls + " times next to a slow one");
            assertTrue(slowPolls <= 4, "slow device polled " + slowPolls + " times");
            assertTrue(s.health().skippedTicks() >= 8, "overrun ticks are skipped, not queued: " + s.health().skippedTicks());
        }
    }
}
