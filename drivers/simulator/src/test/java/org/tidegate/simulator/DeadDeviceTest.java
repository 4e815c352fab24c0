package org.tidegate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.modbus.ModbusDriver;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/**
 * A device that stops answering: radar (unit 1) and rain gauge (unit 3) share one RTU bus over a socat pty pair,
 * the power meter (unit 2) is on TCP. The rain gauge goes silent: its samples turn bad within its timeout (plus
 * at most one poll interval), the radar on the same bus and the meter on TCP keep their poll rate, and the rain
 * gauge comes back by itself when it answers again.
 */
class DeadDeviceTest {
    private static final long POLL_MS = 500;
    private static final long DEAD_TIMEOUT_MS = 200;

    /** Collects batches with their arrival time. */
    static final class Recorder implements SampleSink {
        record Seen(long at, SampleBatch batch) {
        }

        final List<Seen> seen = new CopyOnWriteArrayList<>();

        @Override
        public void accept(SampleBatch batch) {
            seen.add(new Seen(System.currentTimeMillis(), batch));
        }

        long countBetween(long from, long to) {
            return seen.stream().filter(s -> s.at() >= from && s.at() < to).count();
        }

        boolean allGoodBetween(long from, long to) {
            return seen.stream().filter(s -> s.at() >= from && s.at() < to)
                    .allMatch(s -> s.batch().samples().stream().allMatch(x -> x.isGood()));
        }

        Seen firstAfter(long t, boolean good) {
            return seen.stream().filter(s -> s.at() >= t && s.batch().samples().stream().allMatch(x -> x.isGood() == good))
                    .findFirst().orElse(null);
        }
    }

    @Test
    void deadDeviceGoesBadOthersKeepPollingAndItRecovers(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        Channel level = Channel.of("level", "hr:0", DataType.FLOAT32, "m");
        Channel tips = Channel.of("tips", "hr:0", DataType.UINT32, "");
        Channel power = Channel.of("power", "ir:52", DataType.FLOAT32, "W");
        try (SocatPair pair = SocatPair.start(dir); Simulator sim = new Simulator(1.0); ModbusDriver driver = new ModbusDriver()) {
            sim.startRtu(SerialSettings.of(pair.endB().toString(), 115200));
            int port = sim.startTcp("127.0.0.1", 0);
            Device radar = Profiles.device("wl-001", Profiles.rtu(pair.endA(), Simulator.RADAR_UNIT),
                    Duration.ofMillis(POLL_MS), Duration.ofMillis(300), 1, List.of(level));
            Device rain = Profiles.device("rg-001", Profiles.rtu(pair.endA(), Simulator.RAIN_UNIT),
                    Duration.ofMillis(POLL_MS), Duration.ofMillis(DEAD_TIMEOUT_MS), 0, List.of(tips));
            Device meter = Profiles.device("pm-001", Profiles.tcp(port, Simulator.METER_UNIT),
                    Duration.ofMillis(POLL_MS), Duration.ofMillis(300), 1, List.of(power));
            Recorder rRadar = new Recorder();
            Recorder rRain = new Recorder();
            Recorder rMeter = new Recorder();
            try (DevicePoller p1 = new DevicePoller(radar, driver.open(radar), () -> List.of(rRadar)).start();
                 DevicePoller p2 = new DevicePoller(rain, driver.open(rain), () -> List.of(rRain)).start();
                 DevicePoller p3 = new DevicePoller(meter, driver.open(meter), () -> List.of(rMeter)).start()) {
                waitFor(() -> rRain.firstAfter(0, true) != null && rRadar.firstAfter(0, true) != null
                        && rMeter.firstAfter(0, true) != null, 10_000, "all three devices answering");

                long silencedAt = System.currentTimeMillis();
                sim.answering(Simulator.RAIN_UNIT, false);
                waitFor(() -> rRain.firstAfter(silencedAt, false) != null, 10_000, "rain gauge samples going bad");
                Recorder.Seen firstBad = rRain.firstAfter(silencedAt, false);
                long lag = firstBad.at() - silencedAt;
                // Within one poll interval plus its timeout (plus scheduling slack on a busy machine).
                assertTrue(lag <= POLL_MS + DEAD_TIMEOUT_MS + 1500, "bad after " + lag + " ms");
                String detail = firstBad.batch().samples().get(0).detail();
                assertTrue(detail.startsWith("timeout"), detail);

                long windowStart = System.currentTimeMillis();
                Thread.sleep(4000);
                long windowEnd = System.currentTimeMillis();
                long expected = (windowEnd - windowStart) / POLL_MS;
                long radarPolls = rRadar.countBetween(windowStart, windowEnd);
                long meterPolls = rMeter.countBetween(windowStart, windowEnd);
                assertTrue(radarPolls >= expected * 3 / 4, "radar on the same bus polled " + radarPolls + " times, expected ~" + expected);
                assertTrue(meterPolls >= expected * 3 / 4, "meter on TCP polled " + meterPolls + " times, expected ~" + expected);
                assertTrue(rRadar.allGoodBetween(windowStart, windowEnd), "radar samples stayed good");
                assertTrue(rMeter.allGoodBetween(windowStart, windowEnd), "meter samples stayed good");
                assertTrue(rRain.countBetween(windowStart, windowEnd) >= expected / 2, "the dead device is still polled");

                long resumedAt = System.currentTimeMillis();
                sim.answering(Simulator.RAIN_UNIT, true);
                waitFor(() -> rRain.firstAfter(resumedAt, true) != null, 10_000, "rain gauge recovering");
                assertEquals("up", p2.health().state());
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, long millis, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
