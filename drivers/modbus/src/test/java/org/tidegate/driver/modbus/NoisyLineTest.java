package org.tidegate.driver.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.driver.modbus.Devices.ch;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.modbus.slave.ModbusRtuSlave;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.driver.modbus.slave.SlaveUnits;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;
import org.tinylog.Logger;

/**
 * Steady noise (random bytes at ~500 B/s) on a real pty line that two polling devices and a relay share, as in
 * issue 11: our slave answers on one end, a noise thread writes into the same end (so the master reads the
 * slave's answers and the noise merged, as on a noisy RS-485 pair), and the gateway's pollers run on the other
 * end at 9600 baud (t3.5 = 4 ms, so a byte every 2 ms never leaves a quiet line).
 *
 * <p>Checks that every poll ends within its deadline with its failures marked bad with a reason, that the
 * neighbour on the bus keeps being served within its own deadline, that a relay write waits for at most one
 * request deadline of another device, that the faults are counted in the device's health, and that good
 * readings come back within a few polls once the noise stops.
 */
class NoisyLineTest {
    private static final long POLL_MS = 400;
    private static final long TIMEOUT_MS = 150;
    private static final int RETRIES = 1;
    /** One request's deadline at 9600 baud: t3.5 + timeout + an 8-byte request on the wire, plus a 10 ms read slice. */
    private static final long DEADLINE_MS = 4 + TIMEOUT_MS + 9 + 10;
    /** Scheduling slack on a shared 2-core machine. */
    private static final long SLACK_MS = 150;

    @Test
    void noiseMarksReadingsBadWithinTheTimeoutAndSparesTheNeighbours(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        RegisterBank one = new RegisterBank(8, 8, 8, 16);
        RegisterBank two = new RegisterBank(8, 8, 8, 16);
        RegisterBank relay = new RegisterBank(8, 8, 8, 16);
        for (int i = 0; i < 4; i++) {
            one.setHolding(i, 100 + i);
            two.setHolding(i, 200 + i);
        }
        SlaveUnits units = new SlaveUnits().add(1, one).add(2, two).add(3, relay);
        List<Channel> cs = List.of(ch("a", "hr:0", DataType.UINT16), ch("b", "hr:1", DataType.UINT16),
                ch("c", "hr:2", DataType.UINT16), ch("d", "hr:3", DataType.UINT16));
        Channel siren = Devices.channel("id", "siren", "address", "coil:0", "type", "bool", "access", "write");
        try (SocatPair pair = SocatPair.start(dir);
             // Opened before the slave (jSerialComm may take the pty exclusively).
             Noise noise = new Noise(pair.endB());
             ModbusRtuSlave slave = ModbusRtuSlave.start(units, SerialSettings.of(pair.endB().toString(), 9600));
             ModbusDriver driver = new ModbusDriver()) {
            Device noisy = rtu("noisy", pair.endA(), 1, cs);
            Device neighbour = rtu("neighbour", pair.endA(), 2, cs);
            Device relayDevice = rtu("relay", pair.endA(), 3, List.of(siren));
            Recorder rNoisy = new Recorder();
            Recorder rNeighbour = new Recorder();
            try (DeviceSession sNoisy = driver.open(noisy);
                 DeviceSession sNeighbour = driver.open(neighbour);
                 DeviceSession sRelay = driver.open(relayDevice);
                 DevicePoller pNoisy = new DevicePoller(noisy, sNoisy, () -> List.of(rNoisy::accept)).start();
                 DevicePoller pNeighbour = new DevicePoller(neighbour, sNeighbour, () -> List.of(rNeighbour::accept)).start();
                 DevicePoller pRelay = new DevicePoller(relayDevice, sRelay, List::of)) {
                // Clean line: both devices good.
                waitFor(() -> rNoisy.firstGoodAfter(0) != null && rNeighbour.firstGoodAfter(0) != null, 5_000, "good readings on a clean line");
                assertEquals(100L, rNoisy.firstGoodAfter(0).samples().get(0).value());

                long noiseOn = System.currentTimeMillis();
                noise.start();
                Thread.sleep(POLL_MS * 2);
                // A relay action while the line is noisy and both pollers are busy on the bus.
                long w0 = System.nanoTime();
                ChannelReading write = pRelay.write("siren", true);
                long writeMs = (System.nanoTime() - w0) / 1_000_000;
                Thread.sleep(3_200);
                long noiseOff = System.currentTimeMillis();
                noise.stop();
                long noiseBytes = noise.written();
                double rate = noiseBytes * 1000.0 / (noiseOff - noiseOn);

                // Samples keep coming at the poll rate (the issue: none for ~16 s): every poll ends within its
                // requests' deadlines, and each value is either the right one or bad with a reason. Noise that leaves
                // the answer intact (before or after it) costs nothing: the answer is found in it.
                SampleBatch firstBad = rNoisy.firstBadAfter(noiseOn);
                SampleBatch firstBadNeighbour = rNeighbour.firstBadAfter(noiseOn);
                assertTrue(firstBad != null || firstBadNeighbour != null, "no bad reading under noise");
                if (firstBad == null) {
                    firstBad = firstBadNeighbour;
                }
                long toBad = firstBad.polledAt() + rNoisy.pollMillisOf(firstBad) - noiseOn;
                String reason = firstBad.samples().get(0).detail();
                for (Recorder r : List.of(rNoisy, rNeighbour)) {
                    long base = r == rNoisy ? 100 : 200;
                    for (SampleBatch b : r.between(noiseOn, noiseOff)) {
                        for (int i = 0; i < b.samples().size(); i++) {
                            Sample s = b.samples().get(i);
                            if (s.isGood()) {
                                assertEquals(base + i, s.value(), "a good value under noise must be the right one");
                            } else {
                                assertTrue(s.detail().matches("(noise|crc_error|timeout|malformed): .+"), s.detail());
                            }
                        }
                    }
                    long gap = r.longestGapBetween(noiseOn, noiseOff);
                    assertTrue(gap <= POLL_MS + (1 + RETRIES) * DEADLINE_MS + 2 * DEADLINE_MS + SLACK_MS,
                            "no sample for " + gap + " ms under noise");
                }

                // No poll of either device waits past its requests' deadlines (plus one request of the other device
                // and the relay's write, which may hold the bus before it).
                long bound = (1 + RETRIES) * DEADLINE_MS + 2 * DEADLINE_MS + SLACK_MS;
                long worstNoisy = rNoisy.longestPollBetween(noiseOn, noiseOff);
                long worstNeighbour = rNeighbour.longestPollBetween(noiseOn, noiseOff);
                assertTrue(worstNoisy <= bound, "noisy device poll took " + worstNoisy + " ms, bound " + bound);
                assertTrue(worstNeighbour <= bound, "neighbour poll took " + worstNeighbour + " ms, bound " + bound);
                // The neighbour keeps its poll rate (a poll every interval, none lost to a held bus).
                long expected = (noiseOff - noiseOn) / POLL_MS;
                long neighbourPolls = rNeighbour.countBetween(noiseOn, noiseOff);
                assertTrue(neighbourPolls >= expected * 3 / 4, "neighbour polled " + neighbourPolls + " times, expected ~" + expected);

                // The write waited for at most one request of another device, then took at most its own attempts.
                assertTrue(writeMs <= DEADLINE_MS + (1 + RETRIES) * DEADLINE_MS + SLACK_MS, "relay write took " + writeMs + " ms (" + write.status() + ")");

                // Every failure has a reason and is counted in the device's health.
                DeviceHealth h = pNoisy.health();
                long noiseFaults = h.faults().getOrDefault("noise", 0L) + pNeighbour.health().faults().getOrDefault("noise", 0L);
                assertTrue(noiseFaults > 0, "faults " + h.faults() + " and " + pNeighbour.health().faults());
                for (SampleBatch b : rNoisy.between(noiseOn, noiseOff)) {
                    for (Sample s : b.samples()) {
                        assertTrue(s.quality() == org.tidegate.core.model.Quality.GOOD || !s.detail().isEmpty(), "bad without reason");
                    }
                }

                // Recovery: good readings from both devices within a few polls (the noisy one may be backing off:
                // at most four poll intervals).
                waitFor(() -> rNoisy.firstGoodAfter(noiseOff) != null && rNeighbour.firstGoodAfter(noiseOff) != null,
                        10_000, "good readings after the noise");
                long recoverNoisy = rNoisy.firstGoodAfter(noiseOff).polledAt() - noiseOff;
                long recoverNeighbour = rNeighbour.firstGoodAfter(noiseOff).polledAt() - noiseOff;
                long recoveryBound = (4 + 1) * POLL_MS + (1 + RETRIES) * DEADLINE_MS + SLACK_MS;
                assertTrue(recoverNoisy <= recoveryBound, "noisy device good again after " + recoverNoisy + " ms");
                assertTrue(recoverNeighbour <= recoveryBound, "neighbour good again after " + recoverNeighbour + " ms");
                assertEquals(100L, rNoisy.firstGoodAfter(noiseOff).samples().get(0).value());
                assertEquals(200L, rNeighbour.firstGoodAfter(noiseOff).samples().get(0).value());
                // After the noise a write goes through.
                assertEquals(ReadStatus.OK, pRelay.write("siren", false).status());

                String summary = String.format(java.util.Locale.ROOT,
                        "noise %.0f B/s; first bad reading ends %d ms after noise start (%s); longest poll noisy %d ms, neighbour %d ms;"
                                + " neighbour polls %d of ~%d, good %d; noisy good %d of %d; relay write %d ms (%s); recovery noisy %d ms,"
                                + " neighbour %d ms; faults noisy %s, neighbour %s",
                        rate, toBad, reason, worstNoisy, worstNeighbour, neighbourPolls, expected,
                        rNeighbour.goodBetween(noiseOn, noiseOff), rNoisy.goodBetween(noiseOn, noiseOff),
                        rNoisy.countBetween(noiseOn, noiseOff), writeMs, write.status(), recoverNoisy, recoverNeighbour,
                        h.faults(), pNeighbour.health().faults());
                Logger.info(summary);
                System.out.println("NoisyLineTest: " + summary);
                assertTrue(rate >= 350 && rate <= 700, "noise rate " + rate + " B/s");
            }
        }
    }

    private static Device rtu(String id, Path port, int unit, List<Channel> channels) {
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("transport", "rtu");
        conn.put("port", port.toString());
        conn.put("baud", 9600);
        conn.put("unit", unit);
        return Devices.decode(Devices.document(id, conn, POLL_MS, TIMEOUT_MS, RETRIES, channels, Map.of()));
    }

    private static void waitFor(java.util.function.BooleanSupplier c, long ms, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!c.getAsBoolean()) {
            assertFalse(System.nanoTime() > end, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** Polls with their start time and duration. */
    private static final class Recorder {
        private final List<SampleBatch> batches = new CopyOnWriteArrayList<>();
        private final Map<SampleBatch, Long> took = new java.util.concurrent.ConcurrentHashMap<>();

        void accept(SampleBatch b) {
            took.put(b, System.currentTimeMillis() - b.polledAt());
            batches.add(b);
        }

        long pollMillisOf(SampleBatch b) {
            return took.getOrDefault(b, 0L);
        }

        List<SampleBatch> between(long from, long to) {
            List<SampleBatch> out = new ArrayList<>();
            for (SampleBatch b : batches) {
                if (b.polledAt() >= from && b.polledAt() < to) {
                    out.add(b);
                }
            }
            return out;
        }

        long countBetween(long from, long to) {
            return between(from, to).size();
        }

        long goodBetween(long from, long to) {
            return between(from, to).stream().filter(Recorder::allGood).count();
        }

        /** Longest time between the ends of two consecutive polls started in the window. */
        long longestGapBetween(long from, long to) {
            List<SampleBatch> in = between(from, to);
            long worst = 0;
            for (int i = 1; i < in.size(); i++) {
                long end0 = in.get(i - 1).polledAt() + pollMillisOf(in.get(i - 1));
                long end1 = in.get(i).polledAt() + pollMillisOf(in.get(i));
                worst = Math.max(worst, end1 - end0);
            }
            return worst;
        }

        long longestPollBetween(long from, long to) {
            return between(from, to).stream().mapToLong(this::pollMillisOf).max().orElse(0);
        }

        SampleBatch firstBadAfter(long t) {
            return batches.stream().filter(b -> b.polledAt() >= t && b.samples().stream().anyMatch(s -> s.quality() != org.tidegate.core.model.Quality.GOOD))
                    .findFirst().orElse(null);
        }

        SampleBatch firstGoodAfter(long t) {
            return batches.stream().filter(b -> b.polledAt() >= t && allGood(b)).findFirst().orElse(null);
        }

        private static boolean allGood(SampleBatch b) {
            return !b.samples().isEmpty() && b.samples().stream().allMatch(s -> s.quality() == org.tidegate.core.model.Quality.GOOD);
        }
    }

    /**
     * Random bytes into one end of the pty pair at a steady ~500 B/s (one byte every 2 ms, on a fixed schedule),
     * through a second file handle on the slave's end, so they reach the master merged with the slave's answers.
     */
    private static final class Noise implements AutoCloseable {
        private final OutputStream out;
        private final Random random = new Random(11);
        private volatile boolean on;
        private volatile boolean closed;
        private volatile long written;
        private final Thread thread;

        Noise(Path end) throws IOException {
            this.out = new FileOutputStream(end.toFile());
            this.thread = new Thread(this::run, "noise");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        void start() {
            on = true;
        }

        void stop() {
            on = false;
        }

        long written() {
            return written;
        }

        private void run() {
            long next = System.nanoTime();
            while (!closed) {
                if (!on) {
                    LockSupport.parkNanos(1_000_000L);
                    next = System.nanoTime();
                    continue;
                }
                next += 2_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                try {
                    out.write(random.nextInt(256));
                    out.flush();
                    written++;
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.close();
        }
    }
}
