package org.tidegate.driver.dlt645;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.dlt645.meter.MeterBus;
import org.tidegate.driver.dlt645.meter.SimulatedMeter;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;

/**
 * The DL/T 645 master against simulated meters ({@link MeterBus}) over a socat pty pair: several meters on one bus,
 * block reads and their fallback, follow-up frames, error replies counted, timeouts bounded, back-off, read address
 * and broadcast time sync.
 */
@Timeout(60)
class Dlt645DriverTest {
    static final BcdFormat P = BcdFormat.parse("XX.XXXX", true);
    static final BcdFormat U = BcdFormat.parse("XXX.X", false);
    static final BcdFormat I = BcdFormat.parse("XXX.XXX", true);
    static final BcdFormat E = BcdFormat.parse("XXXXXX.XX", false);
    static final String[] IDS = {"123456789012", "000000000001", "000000000002"};

    @TempDir
    Path dir;

    static Device device(String id, String port, String meter, long timeoutMs, String extra) {
        String json = "{\"id\":\"" + id + "\",\"protocol\":\"dlt645\",\"timeoutMs\":" + timeoutMs + ",\"retries\":1,\"pollIntervalMs\":200,"
                + "\"connection\":{\"port\":\"" + port + "\",\"baud\":115200,\"parity\":\"none\",\"address\":\"" + meter + "\"" + extra + "},"
                + "\"channels\":[{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"},"
                + "{\"id\":\"ua\",\"address\":\"02010100\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"ub\",\"address\":\"02010200\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"uc\",\"address\":\"02010300\",\"format\":\"XXX.X\"},"
                + "{\"id\":\"e\",\"address\":\"00010000\",\"format\":\"XXXXXX.XX\"}]}";
        return DeviceSchema.decode("test.json", json, new Dlt645Schema());
    }

    static SimulatedMeter meter(String address, int i) {
        return new SimulatedMeter(new MeterAddress(address))
                .value(0x02030000, P, i == 1 ? "-1.2345" : "1.2345")
                .value(0x02010100, U, "220." + i)
                .value(0x02010200, U, "221." + i)
                .value(0x02010300, U, "222." + i)
                .value(0x00010000, E, "12345.6" + i);
    }

    static void assertValues(List<ChannelReading> r, int i) {
        for (ChannelReading x : r) {
            assertEquals(ReadStatus.OK, x.status(), x.channel().id() + ": " + x.detail());
        }
        assertEquals(i == 1 ? -1.2345 : 1.2345, (Double) r.get(0).raw(), 1e-9);
        assertEquals(220.0 + i / 10.0, (Double) r.get(1).raw(), 1e-9);
        assertEquals(221.0 + i / 10.0, (Double) r.get(2).raw(), 1e-9);
        assertEquals(222.0 + i / 10.0, (Double) r.get(3).raw(), 1e-9);
        assertEquals(12345.6 + i / 100.0, (Double) r.get(4).raw(), 1e-9);
    }

    @Test
    void threeMetersOnOneBusWithBlockReads() throws Exception {
        List<SimulatedMeter> ms = List.of(meter(IDS[0], 0), meter(IDS[1], 1), meter(IDS[2], 2));
        try (SocatPair pair = SocatPair.start(dir);
             MeterBus bus = MeterBus.start(SerialSettings.of(pair.endB().toString(), 115200), ms);
             Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            List<DeviceSession> sessions = new ArrayList<>();
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                devices.add(device("m" + i, pair.endA().toString(), IDS[i], 300, ""));
                sessions.add(driver.open(devices.get(i)));
            }
            for (int i = 0; i < 3; i++) {
                long before = ms.get(i).reads();
                assertValues(sessions.get(i).read(devices.get(i).channels()), i);
                // power, the voltage block 0201FF00 (three channels), energy
                assertEquals(3, ms.get(i).reads() - before, "requests for 5 channels with one block");
            }
            sessions.forEach(DeviceSession::close);
        }
    }

    @Test
    void aMeterWithoutBlockReadsIsReadItemByItemFromThenOn() throws Exception {
        SimulatedMeter m = meter(IDS[0], 0).blocks(false);
        try (SocatPair pair = SocatPair.start(dir);
             MeterBus bus = MeterBus.start(SerialSettings.of(pair.endB().toString(), 115200), List.of(m));
             Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            Device d = device("m0", pair.endA().toString(), IDS[0], 300, "");
            DeviceSession s = driver.open(d);
            long r0 = m.reads();
            assertValues(s.read(d.channels()), 0);
            assertEquals(6, m.reads() - r0, "the refused block, then its three items, power and energy");
            long r1 = m.reads();
            assertValues(s.read(d.channels()), 0);
            assertEquals(5, m.reads() - r1, "the block is not asked again");
            assertEquals(java.util.Map.of(), s.faultCounts(), "a refused block is no fault of the channels");
            s.close();
        }
    }

    @Test
    void followUpFramesAreReadAndJoined() throws Exception {
        SimulatedMeter m = meter(IDS[0], 0);
        try (SocatPair pair = SocatPair.start(dir);
             MeterBus bus = MeterBus.start(SerialSettings.of(pair.endB().toString(), 115200), List.of(m));
             Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            bus.maxValuePerFrame(2); // the 6-byte voltage block takes B1, B2, 92; the 4-byte energy B1, 92
            Device d = device("m0", pair.endA().toString(), IDS[0], 300, "");
            DeviceSession s = driver.open(d);
            long r0 = m.reads();
            assertValues(s.read(d.channels()), 0);
            assertEquals(2 + 3 + 2, m.reads() - r0, "power (3 bytes: B1, 92), the voltage block (6 bytes: B1, B2, 92), energy (4 bytes: B1, 92)");
            s.close();
        }
    }

    @Test
    void errorRepliesChecksumsAndSilenceAreCountedAndBounded() throws Exception {
        List<SimulatedMeter> ms = List.of(meter(IDS[0], 0), meter(IDS[1], 1));
        try (SocatPair pair = SocatPair.start(dir);
             MeterBus bus = MeterBus.start(SerialSettings.of(pair.endB().toString(), 115200), ms);
             Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            Device d0 = device("m0", pair.endA().toString(), IDS[0], 300, "");
            Device d1 = device("m1", pair.endA().toString(), IDS[1], 300, "");
            DeviceSession s0 = driver.open(d0);
            DeviceSession s1 = driver.open(d1);
            ms.get(0).remove(0x00010000);
            List<ChannelReading> r = s0.read(d0.channels());
            assertEquals(ReadStatus.DEVICE_EXCEPTION, r.get(4).status(), r.get(4).detail());
            assertTrue(r.get(4).detail().contains("error 02: no requested data"), r.get(4).detail());
            assertEquals(ReadStatus.OK, r.get(0).status(), "the meter's other channels are read");
            assertEquals(1L, s0.faultCounts().get("device_exception"));

            ms.get(0).fault(SimulatedMeter.Fault.BAD_CHECKSUM);
            r = s0.read(d0.channels());
            assertEquals(ReadStatus.CRC_ERROR, r.get(0).status(), r.get(0).detail());
            assertTrue(r.get(0).detail().contains("checksum"), r.get(0).detail());
            assertTrue(s0.faultCounts().get("crc_error") >= 1, s0.faultCounts().toString());

            ms.get(0).fault(SimulatedMeter.Fault.SILENT);
            long t0 = System.nanoTime();
            r = s0.read(d0.channels());
            long took = (System.nanoTime() - t0) / 1_000_000L;
            assertEquals(ReadStatus.TIMEOUT, r.get(0).status(), r.get(0).detail());
            assertEquals(ReadStatus.TIMEOUT, r.get(4).status(), "the rest of the poll fails without more requests");
            assertTrue(took < 2 * 300 + 250, "one request with one retry, bounded by the timeout: took " + took + " ms");
            assertEquals(1L, s0.faultCounts().get("timeout"), "one timed-out request, not one per channel");
            // the other meter on the bus is unaffected
            assertValues(s1.read(d1.channels()), 1);

            // after three failed polls a silent meter is asked less often and without retries
            s0.read(d0.channels());
            s0.read(d0.channels());
            long reads = ms.get(0).reads();
            t0 = System.nanoTime();
            r = s0.read(d0.channels());
            took = (System.nanoTime() - t0) / 1_000_000L;
            assertTrue(r.get(0).detail().contains("backing off"), r.get(0).detail());
            assertTrue(took < 50, "a poll during back-off takes no bus time: " + took + " ms");
            assertEquals(reads, ms.get(0).reads());

            ms.get(0).fault(SimulatedMeter.Fault.NONE);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (s0.read(d0.channels()).get(0).status() != ReadStatus.OK) {
                assertTrue(System.nanoTime() < deadline, "meter not read again after it answers");
                Thread.sleep(50);
            }
            s0.close();
            s1.close();
        }
    }

    @Test
    void readAddressFindsTheOneMeterAndTimeSyncIsBroadcast() throws Exception {
        SimulatedMeter m = meter(IDS[0], 0);
        try (SocatPair pair = SocatPair.start(dir);
             MeterBus bus = MeterBus.start(SerialSettings.of(pair.endB().toString(), 115200), List.of(m));
             Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            Device d = device("m0", pair.endA().toString(), "AAAAAAAAAAAA", 300, ",\"timeSyncMinutes\":60");
            DeviceSession s = driver.open(d);
            assertValues(s.read(d.channels()), 0);
            LocalDateTime synced = m.lastTimeSync();
            assertNotNull(synced, "time sync broadcast before the first poll");
            assertTrue(Duration.between(synced, LocalDateTime.now()).abs().getSeconds() <= 2, "synced to " + synced);
            s.close();
        }
    }

    /** Two meters behind one TCP serial server share one connection; the server going away is counted and survived. */
    @Test
    void metersBehindATcpSerialServer() throws Exception {
        List<SimulatedMeter> ms = List.of(meter(IDS[0], 0), meter(IDS[1], 1));
        MeterBus bus = MeterBus.startTcp("127.0.0.1", 0, ms);
        int port = bus.tcpPort();
        try (Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            List<Device> devices = new ArrayList<>();
            List<DeviceSession> sessions = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                devices.add(DeviceSchema.decode("t.json", "{\"id\":\"t" + i + "\",\"protocol\":\"dlt645\",\"timeoutMs\":300,\"retries\":1,"
                        + "\"pollIntervalMs\":200,\"connection\":{\"transport\":\"tcp\",\"host\":\"127.0.0.1\",\"port\":" + port
                        + ",\"address\":\"" + IDS[i] + "\"},\"channels\":[{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\"},"
                        + "{\"id\":\"ua\",\"address\":\"02010100\",\"format\":\"XXX.X\"},{\"id\":\"ub\",\"address\":\"02010200\",\"format\":\"XXX.X\"},"
                        + "{\"id\":\"uc\",\"address\":\"02010300\",\"format\":\"XXX.X\"},{\"id\":\"e\",\"address\":\"00010000\",\"format\":\"XXXXXX.XX\"}]}",
                        new Dlt645Schema()));
                sessions.add(driver.open(devices.get(i)));
            }
            for (int i = 0; i < 2; i++) {
                assertValues(sessions.get(i).read(devices.get(i).channels()), i);
            }
            bus.close();
            List<ChannelReading> r = sessions.get(0).read(devices.get(0).channels());
            assertTrue(r.stream().noneMatch(ChannelReading::ok), r.toString());
            assertTrue(sessions.get(0).faultCounts().values().stream().mapToLong(Long::longValue).sum() >= 1, sessions.get(0).faultCounts().toString());
            bus = MeterBus.startTcp("127.0.0.1", port, ms);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!sessions.get(1).read(devices.get(1).channels()).get(0).ok()) {
                assertTrue(System.nanoTime() < deadline, "not reconnected");
                Thread.sleep(100);
            }
            sessions.forEach(DeviceSession::close);
        } finally {
            bus.close();
        }
    }

    /** Three meters polled from three threads share the bus: each gets its turn, none starves. */
    @Test
    void metersPolledConcurrentlyTakeTurns() throws Exception {
        List<SimulatedMeter> ms = List.of(meter(IDS[0], 0), meter(IDS[1], 1), meter(IDS[2], 2));
        try (SocatPair pair = SocatPair.start(dir);
             MeterBus bus = MeterBus.start(SerialSettings.of(pair.endB().toString(), 115200), ms);
             Dlt645Driver driver = new Dlt645Driver(new SerialBuses())) {
            List<Thread> threads = new ArrayList<>();
            AtomicInteger bad = new AtomicInteger();
            int[] polls = new int[3];
            CountDownLatch start = new CountDownLatch(1);
            long end = System.nanoTime() + 2_000_000_000L;
            for (int i = 0; i < 3; i++) {
                int k = i;
                Device d = device("m" + i, pair.endA().toString(), IDS[i], 300, "");
                DeviceSession s = driver.open(d);
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        while (System.nanoTime() < end) {
                            for (ChannelReading x : s.read(d.channels())) {
                                if (!x.ok()) {
                                    bad.incrementAndGet();
                                }
                            }
                            polls[k]++;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        s.close();
                    }
                });
                threads.add(t);
                t.start();
            }
            start.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertEquals(0, bad.get(), "no failed reading while sharing the bus");
            int min = Math.min(polls[0], Math.min(polls[1], polls[2]));
            int max = Math.max(polls[0], Math.max(polls[1], polls[2]));
            assertTrue(min >= 3 && max <= 2 * min + 2, "turns shared fairly: " + java.util.Arrays.toString(polls));
        }
    }
}
