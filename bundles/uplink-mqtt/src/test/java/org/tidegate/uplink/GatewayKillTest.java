package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
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
 * The gateway process is killed with SIGKILL in the middle of draining a backlog and started again on the same
 * store: nothing is lost; and the broker publishes the gateway's sealed will ("offline") when it dies.
 */
class GatewayKillTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @Test
    void killedMidDrainLosesNothingAndTheWillAppears() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        Path data = dir.resolve("data");
        try (broker; Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), DeliveryTest.GW, keys.gateway())) {
            int produce = 800;
            Process first = start(data, keys, broker.url(), produce, 100, "first");
            inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 200, 60, "the first part of the drain");
            // progress in the log: how many are left, the rate and the estimated time
            Path firstLog = dir.resolve("first.log");
            long logDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(firstLog).contains("uplink: drain: ") && System.nanoTime() < logDeadline) {
                Thread.sleep(50);
            }
            String log = Files.readString(firstLog);
            assertTrue(log.contains("uplink: draining a backlog of " + produce + " messages"), log);
            assertTrue(log.lines().anyMatch(l -> l.matches(".*uplink: drain: \\d+ left \\(\\d+ in flight, \\d+ alarms\\), "
                    + "[0-9.]+ msg/s, eta \\d+ s")), log);
            int before = inbox.of(ContentType.TELEMETRY).size();
            assertTrue(before < produce, "still draining when killed (" + before + ")");
            first.destroyForcibly(); // SIGKILL on Linux
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, first.exitValue(), "killed by SIGKILL");

            inbox.await(r -> r.opened().contentType() == ContentType.STATUS
                    && "offline".equals(r.body().path("state").asText()), 1, 30, "the will (offline status)");
            Received will = inbox.of(ContentType.STATUS).stream()
                    .filter(r -> "offline".equals(r.body().path("state").asText())).findFirst().orElseThrow();
            assertEquals("connection lost", will.body().path("reason").asText());
            assertEquals("tidegate/" + DeliveryTest.GW + "/status", will.topic());

            Set<Long> produced = new HashSet<>();
            try (var files = Files.list(data)) {
                for (Path p : files.filter(f -> f.getFileName().toString().startsWith("produced-")).toList()) {
                    Files.readAllLines(p).forEach(l -> produced.add(Long.parseLong(l)));
                }
            }
            assertEquals(produce, produced.size());

            start(data, keys, broker.url(), 0, 0, "second");
            inbox.await(r -> produced.contains(r.opened().sequence()), produce, 90, "every produced message");
            Set<Long> got = new HashSet<>();
            for (Received r : inbox.of(ContentType.TELEMETRY)) {
                assertTrue(got.add(r.opened().sequence()), "accepted twice: " + r.opened().sequence());
            }
            assertEquals(produced, got, "nothing lost, nothing extra");
            System.out.println("kill test: " + before + " arrived before the kill, " + inbox.duplicates()
                    + " re-sent duplicates dropped by the receiver");
        } finally {
            for (Process p : processes) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process start(Path data, TestKeys keys, String url, int produce, double rate, String name) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, GatewayProcess.class.getName(), data.toString(), keys.dir().toString(), url,
                Integer.toString(produce), Double.toString(rate))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains("GATEWAY READY")) {
                return p;
            }
            if (!p.isAlive()) {
                fail("gateway process " + name + " exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        fail("gateway process " + name + " did not start: " + Files.readString(log));
        return p;
    }

    static String classPath() {
        return System.getProperty("java.class.path").replace(File.pathSeparator, "\n");
    }
}
