package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;

/**
 * Issue 12, item 1: a 100 MB and a 2 MB frame on the command topic of a gateway whose JVM has 128 MB of heap,
 * through a mosquitto whose own limit is unset (it would forward them): the gateway announced its Maximum Packet
 * Size, so the broker does not deliver them; telemetry keeps arriving without a gap longer than a reconnect,
 * nothing produced is lost and the gateway's heap stays far below the frame.
 */
class BoundedInputTest {
    @TempDir
    Path dir;

    @Test
    void hugeCommandFramesNeitherStopTelemetryNorReachTheHeap() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path log = dir.resolve("gateway.log");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process gw = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-cp", cp, LiveGatewayProcess.class.getName(),
                data.toString(), keys.dir().toString(), broker.url(), "20")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (broker; Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), DeliveryTest.GW, keys.gateway())) {
            awaitLog(gw, log, "GATEWAY READY");
            inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 40, 60, "telemetry before the frames");
            for (long size : new long[] {100L << 20, 2L << 20}) {
                Path frame = dir.resolve("frame-" + size);
                try (RandomAccessFile f = new RandomAccessFile(frame.toFile(), "rw")) {
                    f.setLength(size);
                }
                Process pub = new ProcessBuilder("mosquitto_pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                        Integer.toString(broker.port()), "-q", "1", "-t", "tidegate/" + DeliveryTest.GW + "/command",
                        "-f", frame.toString()).redirectErrorStream(true).start();
                String out = new String(pub.getInputStream().readAllBytes());
                assertTrue(pub.waitFor(60, TimeUnit.SECONDS), "mosquitto_pub finished");
                assertEquals(0, pub.exitValue(), "the broker took the " + size + "-byte frame: " + out);
                Files.delete(frame);
                Thread.sleep(3_000);
                assertTrue(gw.isAlive(), "gateway alive after the " + size + "-byte frame: " + Files.readString(log));
            }
            Thread.sleep(5_000);
            assertTrue(gw.isAlive(), "gateway alive: " + Files.readString(log));
            gw.getOutputStream().write("stop\n".getBytes());
            gw.getOutputStream().flush();
            awaitLog(gw, log, "DRAINED");

            Set<Long> produced = new HashSet<>();
            for (String l : Files.readAllLines(data.resolve("produced.txt"))) {
                if (!l.isBlank()) {
                    produced.add(Long.parseLong(l.trim()));
                }
            }
            inbox.await(r -> produced.contains(r.opened().sequence()), produced.size(), 60, "every produced message");
            List<Long> arrivals = new ArrayList<>();
            synchronized (inbox) {
                for (int i = 0; i < inbox.accepted.size(); i++) {
                    if (inbox.accepted.get(i).opened().contentType() == ContentType.TELEMETRY) {
                        arrivals.add(inbox.arrivedAt.get(i));
                    }
                }
            }
            long maxGap = 0;
            List<Long> sorted = arrivals.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                maxGap = Math.max(maxGap, sorted.get(i) - sorted.get(i - 1));
            }
            long maxHeap = 0;
            long maxUsed = 0;
            for (String l : Files.readAllLines(log)) {
                if (l.startsWith("HEAP ")) {
                    maxHeap = Math.max(maxHeap, Long.parseLong(l.split(" ")[1]));
                    maxUsed = Math.max(maxUsed, Long.parseLong(l.split(" ")[2]));
                }
            }
            System.out.println("bounded input: " + produced.size() + " produced, all arrived; largest gap between"
                    + " telemetry arrivals " + maxGap + " ms; gateway heap: live set after GC at most " + (maxHeap >> 20)
                    + " MiB, in use (with garbage) at most " + (maxUsed >> 20) + " MiB, of 128");
            assertTrue(maxHeap < 64L << 20, "live heap " + maxHeap + " stayed far below the 100 MB frame");
            assertTrue(maxGap < 5_000, "no gap longer than a reconnect: " + maxGap + " ms");
            assertTrue(maxUsed < 100L << 20, "the 100 MB frame was never allocated: at most " + maxUsed + " in use");
            String gatewayLog = Files.readString(log);
            gatewayLog.lines().filter(l -> l.startsWith("DRAINED") || l.contains("uplink: dropped")
                    || l.contains("lost")).forEach(l -> System.out.println("gateway: " + l));
            assertTrue(!gatewayLog.contains("OutOfMemoryError"), gatewayLog);
        } finally {
            gw.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void awaitLog(Process p, Path log, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(what)) {
                return;
            }
            if (!p.isAlive()) {
                fail("gateway process exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        fail("gateway process did not print " + what + ": " + Files.readString(log));
    }
}
