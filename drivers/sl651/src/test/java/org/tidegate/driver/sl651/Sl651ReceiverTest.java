package org.tidegate.driver.sl651;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Device;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;
import org.tidegate.driver.sl651.codec.ControlChar;
import org.tidegate.driver.sl651.codec.Element;
import org.tidegate.driver.sl651.codec.Encoding;
import org.tidegate.driver.sl651.codec.FunctionCode;
import org.tidegate.driver.sl651.codec.Report;
import org.tidegate.driver.sl651.codec.Sl651Frame;
import org.tidegate.driver.sl651.station.SimulatedStation;

/**
 * The centre-station receiver against a simulated station ({@link SimulatedStation}) over a socat pty pair and
 * over TCP: reports become readings stamped with the observation time, every report is acknowledged, a report
 * sent again after a lost acknowledgement is taken once, strangers are not answered, damaged frames are counted
 * and the next frame is received, a silent station goes down.
 */
@Timeout(60)
class Sl651ReceiverTest {
    static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
    static final String STATION = "0011223344";

    @TempDir
    Path dir;

    static Device device(String connection) {
        return DeviceSchema.decode("test.json", deviceJson(connection), new Sl651Schema());
    }

    static String deviceJson(String connection) {
        return "{\"id\":\"st-1\",\"protocol\":\"sl651\",\"pollIntervalMs\":200,"
                + "\"connection\":{" + connection + ",\"station\":\"" + STATION + "\",\"centre\":5,\"password\":\"03E8\",\"reportTimeoutSeconds\":2},"
                + "\"channels\":[{\"id\":\"level\",\"address\":\"39\",\"unit\":\"m\"},"
                + "{\"id\":\"rain_day\",\"address\":\"1F\",\"unit\":\"mm\"},"
                + "{\"id\":\"voltage\",\"address\":\"38\",\"unit\":\"V\"}]}";
    }

    static List<Element> elements(String level, LocalDateTime at) {
        return List.of(Element.of(Element.DAILY_RAINFALL, new BigDecimal("12.5"), 3, 1, at),
                Element.of(Element.VOLTAGE, new BigDecimal("10.99"), 2, 2, at),
                Element.of(Element.WATER_LEVEL, new BigDecimal(level), 4, 3, at));
    }

    /** Polls until {@code done} holds for what was read so far (bounded). */
    static List<ChannelReading> pollUntil(DeviceSession s, Device d, Predicate<List<ChannelReading>> done) throws InterruptedException {
        List<ChannelReading> all = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.test(all)) {
            assertTrue(System.nanoTime() < deadline, "readings so far: " + all);
            all.addAll(s.read(d.channels()));
            Thread.sleep(50);
        }
        return all;
    }

    static long millis(LocalDateTime t) {
        return t.atZone(BEIJING).toInstant().toEpochMilli();
    }

    @Test
    void reportsOverAPtyBecomeReadingsAtTheirObservationTimeAndRepeatsCountOnce() throws Exception {
        try (SocatPair pair = SocatPair.start(dir);
             Sl651Driver driver = new Sl651Driver(new SerialBuses())) {
            Device d = device("\"port\":\"" + pair.endA() + "\",\"baud\":9600");
            DeviceSession s = driver.open(d);
            try (SimulatedStation st = SimulatedStation.serial(SerialSettings.of(pair.endB().toString(), 9600), STATION, 5, 0x03E8,
                    BEIJING, 1000, 2)) {
                LocalDateTime at = LocalDateTime.of(2017, 7, 18, 11, 0);
                SimulatedStation.Outcome o = st.report(FunctionCode.TIMED, at, elements("10.490", at));
                assertTrue(o.acknowledged() && o.sends() == 1, o.toString());
                List<ChannelReading> r = pollUntil(s, d, l -> l.size() >= 3);
                assertEquals(3, r.size(), r.toString());
                ChannelReading level = r.stream().filter(x -> x.channel().id().equals("level")).findFirst().orElseThrow();
                assertEquals(10.490, (Double) level.raw(), 1e-9);
                assertEquals(millis(at), level.timestamp(), "the station's observation time, Beijing time");
                assertEquals(12.5, (Double) r.stream().filter(x -> x.channel().id().equals("rain_day")).findFirst().orElseThrow().raw(), 1e-9);

                // The acknowledgement is lost: the station sends the same report again; it is acknowledged, not taken twice.
                st.loseAcknowledgements(1);
                LocalDateTime at2 = at.plusMinutes(5);
                o = st.report(FunctionCode.ADDED, at2, elements("10.700", at2));
                assertTrue(o.acknowledged() && o.sends() == 2, o.toString());
                LocalDateTime at3 = at.plusMinutes(60);
                o = st.report(FunctionCode.TIMED, at3, elements("10.800", at3));
                assertTrue(o.acknowledged(), o.toString());
                List<ChannelReading> more = pollUntil(s, d, l -> l.stream().anyMatch(x -> x.timestamp() == millis(at3)));
                List<Double> levels = more.stream().filter(x -> x.channel().id().equals("level")).map(x -> (Double) x.raw()).toList();
                assertEquals(List.of(10.7, 10.8), levels, "the added report once, then the next timed one");
                assertTrue(more.stream().allMatch(ChannelReading::ok));
                assertEquals(1, ((org.tidegate.driver.sl651.internal.Sl651Session) s).duplicates());
                assertEquals(Long.valueOf(0), s.faultCounts().getOrDefault("crc_error", 0L));
            }
            s.close();
        }
    }

    @Test
    void strangersAreNotAnsweredDamageIsCountedAndSilenceIsDown() throws Exception {
        try (SocatPair pair = SocatPair.start(dir);
             Sl651Driver driver = new Sl651Driver(new SerialBuses())) {
            Device d = device("\"port\":\"" + pair.endA() + "\",\"baud\":9600");
            DeviceSession s = driver.open(d);
            LocalDateTime at = LocalDateTime.of(2026, 12, 1, 8, 0);
            try (SimulatedStation stranger = SimulatedStation.serial(SerialSettings.of(pair.endB().toString(), 9600), "0099887766", 5,
                    0x03E8, BEIJING, 300, 0)) {
                assertFalse(stranger.report(FunctionCode.TIMED, at, elements("1.000", at)).acknowledged(), "no answer to a station nobody configured");
            }
            try (SimulatedStation wrongPassword = SimulatedStation.serial(SerialSettings.of(pair.endB().toString(), 9600), STATION, 5,
                    0x1234, BEIJING, 300, 0)) {
                assertFalse(wrongPassword.report(FunctionCode.TIMED, at, elements("1.000", at)).acknowledged(), "no answer to another password");
            }
            assertEquals(List.of(), s.read(d.channels()), "nothing taken from them");
            assertEquals(1L, s.faultCounts().get("malformed"), s.faultCounts().toString());

            // A frame damaged on the line (one flipped bit), then a good one right after it.
            Report rep = new Report(FunctionCode.TIMED, 77, at, STATION, 0x48, at, elements("2.000", at));
            byte[] good = new Sl651Frame(5, STATION, 0x03E8, FunctionCode.TIMED, false, rep.encode(), ControlChar.ETX).encode();
            byte[] bad = good.clone();
            bad[30] ^= 0x10;
            try (var line = org.tidegate.driver.serial.SerialPorts.open(SerialSettings.of(pair.endB().toString(), 9600))) {
                byte[] both = new byte[bad.length + good.length];
                System.arraycopy(bad, 0, both, 0, bad.length);
                System.arraycopy(good, 0, both, bad.length, good.length);
                line.write(both);
                List<ChannelReading> r = pollUntil(s, d, l -> l.size() >= 3);
                assertEquals(2.0, (Double) r.stream().filter(x -> x.channel().id().equals("level")).findFirst().orElseThrow().raw(), 1e-9);
                assertEquals(1L, s.faultCounts().get("crc_error"), s.faultCounts().toString());
                byte[] ack = new byte[64];
                int n = line.read(ack, 0, ack.length, 2000);
                assertTrue(n > 0, "the good frame is acknowledged");
                Sl651Frame a = Sl651Frame.decode(java.util.Arrays.copyOf(ack, n));
                assertTrue(a.downlink() && a.function() == FunctionCode.TIMED && a.end() == ControlChar.EOT, a.toString());
                assertEquals(0, a.body()[0]);
                assertEquals(77, a.body()[1]);
            }
            // Silent for longer than reportTimeoutSeconds (2): every channel times out.
            Thread.sleep(2100);
            List<ChannelReading> silent = s.read(d.channels());
            assertEquals(3, silent.size());
            assertTrue(silent.stream().allMatch(x -> x.status() == ReadStatus.TIMEOUT), silent.toString());
            assertTrue(silent.get(0).detail().contains("no frame from station " + STATION), silent.get(0).detail());
            s.close();
        }
    }

    @Test
    void aStationOverTcp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Sl651Driver driver = new Sl651Driver(new SerialBuses())) {
            Device d = device("\"transport\":\"tcp\",\"bind\":\"127.0.0.1\",\"listenPort\":" + port);
            DeviceSession s = driver.open(d);
            SimulatedStation st = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (st == null) {
                try {
                    st = SimulatedStation.tcp("127.0.0.1", port, STATION, 5, 0x03E8, BEIJING, 1000, 1);
                } catch (java.net.ConnectException notYet) {
                    assertTrue(System.nanoTime() < deadline, "receiver not listening on " + port);
                    Thread.sleep(50);
                }
            }
            try (SimulatedStation station = st) {
                LocalDateTime at = LocalDateTime.of(2026, 12, 1, 9, 0);
                assertTrue(station.report(FunctionCode.TIMED, at, elements("3.210", at)).acknowledged());
                station.keepAlive();
                List<ChannelReading> r = pollUntil(s, d, l -> l.size() >= 3);
                assertEquals(3.21, (Double) r.stream().filter(x -> x.channel().id().equals("level")).findFirst().orElseThrow().raw(), 1e-9);
                // Garbage on a connection does not stop the next report on it.
                try (Socket junk = new Socket("127.0.0.1", port); OutputStream out = junk.getOutputStream()) {
                    out.write(new byte[] {0x7E, 0x7E, 1, 2, 3});
                    out.write(new byte[4000]);
                }
                LocalDateTime at2 = at.plusHours(1);
                assertTrue(station.report(FunctionCode.TIMED, at2, elements("3.300", at2)).acknowledged());
                pollUntil(s, d, l -> l.stream().anyMatch(x -> x.timestamp() == millis(at2)));
            }
            s.close();
        }
    }

    static SimulatedStation connect(int port, Encoding encoding) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return SimulatedStation.tcp("127.0.0.1", port, STATION, 5, 0x03E8, BEIJING, 1000, 1, encoding);
            } catch (java.io.IOException notYet) {
                assertTrue(System.nanoTime() < deadline, "receiver not listening on " + port + ": " + notYet);
                Thread.sleep(50);
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** ASCII mode end to end over TCP: reports acknowledged in ASCII, a repeat after a lost acknowledgement taken once. */
    @Test
    void anAsciiStationOverTcp() throws Exception {
        int port = freePort();
        try (Sl651Driver driver = new Sl651Driver(new SerialBuses())) {
            Device d = device("\"transport\":\"tcp\",\"bind\":\"127.0.0.1\",\"listenPort\":" + port + ",\"encoding\":\"ascii\"");
            DeviceSession s = driver.open(d);
            try (SimulatedStation station = connect(port, Encoding.ASCII)) {
                LocalDateTime at = LocalDateTime.of(2026, 12, 1, 9, 0);
                SimulatedStation.Outcome o = station.report(FunctionCode.TIMED, at, elements("3.210", at));
                assertTrue(o.acknowledged() && o.sends() == 1, "an ASCII acknowledgement the station understood: " + o);
                station.keepAlive();
                List<ChannelReading> r = pollUntil(s, d, l -> l.size() >= 3);
                ChannelReading level = r.stream().filter(x -> x.channel().id().equals("level")).findFirst().orElseThrow();
                assertEquals(3.21, (Double) level.raw(), 1e-9);
                assertEquals(millis(at), level.timestamp());
                assertEquals(10.99, (Double) r.stream().filter(x -> x.channel().id().equals("voltage")).findFirst().orElseThrow().raw(), 1e-9);

                station.loseAcknowledgements(1);
                LocalDateTime at2 = at.plusMinutes(5);
                o = station.report(FunctionCode.ADDED, at2, elements("3.300", at2));
                assertTrue(o.acknowledged() && o.sends() == 2, o.toString());
                List<ChannelReading> more = pollUntil(s, d, l -> l.stream().anyMatch(x -> x.timestamp() == millis(at2)));
                assertEquals(List.of(3.3), more.stream().filter(x -> x.channel().id().equals("level")).map(x -> (Double) x.raw()).toList());
                assertEquals(1, ((org.tidegate.driver.sl651.internal.Sl651Session) s).duplicates());
            }
            s.close();
        }
    }

    /**
     * A station that sends and never reads (its modem's buffer full): the acknowledgements pile up until the
     * connection's send buffer is full; the next one meets its deadline, is counted on the device as a timeout, and
     * the connection is closed; the receiver goes on serving other connections.
     */
    @Test
    void aStationThatStopsReadingCostsItsConnectionNotTheReceiver() throws Exception {
        int port = freePort();
        try (Sl651Driver driver = new Sl651Driver(new SerialBuses())) {
            // a long report timeout: the timeout counted below must be the acknowledgement's, not silence's
            Device d = DeviceSchema.decode("test.json", deviceJson("\"transport\":\"tcp\",\"bind\":\"127.0.0.1\",\"listenPort\":" + port)
                    .replace("\"reportTimeoutSeconds\":2", "\"reportTimeoutSeconds\":600"), new Sl651Schema());
            DeviceSession s = driver.open(d);
            connect(port, Encoding.HEX).close(); // listening
            Socket deaf = new Socket();
            deaf.setReceiveBufferSize(1024);
            deaf.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            java.util.concurrent.atomic.AtomicReference<Throwable> senderFailed = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger sentCount = new java.util.concurrent.atomic.AtomicInteger();
            Thread sender = new Thread(() -> {
                LocalDateTime at = LocalDateTime.of(2026, 12, 1, 0, 0);
                try (OutputStream out = deaf.getOutputStream()) {
                    // until the receiver gives up on the connection: the kernel queues a few hundred KiB of unread
                    // acknowledgements on loopback (whatever SO_RCVBUF says) before the receiver's writes block
                    for (int i = 0; i < 300_000 && !deaf.isClosed(); i++) {
                        Report rep = new Report(FunctionCode.TIMED, i % 0xFFFF + 1, at, STATION, 0x48, at.plusMinutes(i), elements("1.000", at));
                        out.write(new Sl651Frame(5, STATION, 0x03E8, FunctionCode.TIMED, false, rep.encode(), ControlChar.ETX).encode());
                        sentCount.incrementAndGet();
                    }
                } catch (java.io.IOException closedByTheReceiver) {
                    // expected once the receiver gives up on this connection
                } catch (RuntimeException | Error e) {
                    senderFailed.set(e);
                }
            }, "deaf-station");
            sender.setDaemon(true);
            long t0 = System.nanoTime();
            sender.start();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (s.faultCounts().getOrDefault("timeout", 0L) == 0) {
                assertTrue(System.nanoTime() < deadline, "no acknowledgement timed out: " + s.faultCounts() + ", sender: " + senderFailed.get() + ", sent " + sentCount.get());
                s.read(d.channels());
                Thread.sleep(20);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            sender.join(5000);
            assertEquals(null, senderFailed.get());
            assertFalse(sender.isAlive(), "the receiver closed the deaf station's connection");
            deaf.close();
            try (SimulatedStation ok = connect(port, Encoding.HEX)) {
                LocalDateTime at = LocalDateTime.of(2026, 12, 2, 0, 0);
                assertTrue(ok.report(FunctionCode.TIMED, at, elements("4.000", at)).acknowledged(), "the receiver still serves");
            }
            assertEquals(Long.valueOf(1), s.faultCounts().get("timeout"), "the acknowledgement's timeout, no other: " + s.faultCounts());
            System.out.printf("deaf station: %d reports sent, then an acknowledgement write timed out; %d ms in all, faults %s%n",
                    sentCount.get(), ms, s.faultCounts());
            s.close();
        }
    }
}
