package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;

/**
 * 20 000 junk, replayed and stale frames in a burst on the command topic of a running gateway process, through a
 * real mosquitto: telemetry keeps flowing, alarms still arrive within a second, the gateway's log grows by a
 * bounded number of lines, replies to the refusals are rate-limited and sit below telemetry, nothing is evicted
 * and nothing but the one genuine command runs.
 */
class RefusalFloodTest {
    static final String GW = DeliveryTest.GW;
    static final int FLOOD = 20_000;

    @TempDir
    Path dir;

    @Test
    void aBurstOfJunkReplayedAndStaleFramesDoesNotHoldUpTelemetryOrAlarmsNorFloodTheLog() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        Path log = dir.resolve("gateway.log");
        Process gw = null;
        try (broker; Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway())) {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            gw = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", cp, FloodGatewayProcess.class.getName(), dir.resolve("data").toString(),
                    keys.dir().toString(), broker.url())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            OutputStream control = gw.getOutputStream();
            awaitLog(log, "GATEWAY READY", gw);
            inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 20, 60, "telemetry before the flood");

            // one genuine command, accepted and run; its frame is then replayed in the flood
            EnvelopeSealer cloud = new EnvelopeSealer("cloud", keys.cloud().getPrivate(), keys.gateway().getPublic(),
                    SealerOptions.defaults());
            long seq = System.currentTimeMillis() * 1000;
            byte[] genuine = cloud.seal(ContentType.COMMAND, 9, seq, bytes("{\"gateway\":\"" + GW + "\",\"op\":\"count\"}"));
            CommandTest.publishRaw(broker.url(), genuine);
            inbox.await(r -> r.opened().contentType() == ContentType.REPLY && r.body().path("ok").asBoolean(), 1, 30,
                    "the reply to the genuine command");

            List<byte[]> frames = new ArrayList<>(FLOOD);
            Random random = new Random(12);
            long tenMinutesAgo = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(10);
            for (int i = 0; i < FLOOD; i++) {
                switch (i % 3) {
                    case 0 -> {
                        byte[] junk = new byte[16 + random.nextInt(200)];
                        random.nextBytes(junk);
                        frames.add(junk);
                    }
                    case 1 -> frames.add(genuine);
                    default -> frames.add(cloud.seal(ContentType.COMMAND, 9, seq + 1 + i, tenMinutesAgo,
                            bytes("{\"gateway\":\"" + GW + "\",\"op\":\"count\"}")));
                }
            }
            long linesBefore = lines(log);
            int telemetryBefore = inbox.of(ContentType.TELEMETRY).size();

            MqttAsyncClient attacker = new MqttAsyncClient(broker.url(), "attacker", new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            attacker.connect(o).waitForCompletion(10_000);
            long floodStart = System.nanoTime();
            List<Long> alarmLatenciesMs = new ArrayList<>();
            int alarmsSent = 0;
            IMqttToken last = null;
            for (int i = 0; i < FLOOD; i++) {
                while (true) {
                    try {
                        last = attacker.publish("tidegate/" + GW + "/command", frames.get(i), 1, false);
                        break;
                    } catch (org.eclipse.paho.mqttv5.common.MqttException full) {
                        Thread.sleep(1); // too many in flight: the attacker waits, not us
                    }
                }
                if (i % 4000 == 2000) { // alarms in the middle of the burst
                    alarmLatenciesMs.add(alarm(control, inbox, ++alarmsSent));
                }
            }
            last.waitForCompletion(60_000);
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
            alarmLatenciesMs.add(alarm(control, inbox, ++alarmsSent));
            attacker.disconnect().waitForCompletion(5000);
            attacker.close();

            // telemetry kept flowing during the burst: no gap over 2 s between arrivals
            long windowStart = floodStart;
            long windowEnd = System.nanoTime();
            Thread.sleep(3000); // let the gateway work through its bounded queue
            List<Received> during = inbox.of(ContentType.TELEMETRY).subList(telemetryBefore,
                    inbox.of(ContentType.TELEMETRY).size());
            assertTrue(during.size() >= floodSeconds * 10, "telemetry during the flood: " + during.size() + " in "
                    + floodSeconds + " s");

            control.write("stats\n".getBytes(StandardCharsets.UTF_8));
            control.flush();
            String stats = awaitLog(log, "STATS ", gw);
            long linesAfter = lines(log);
            long grown = linesAfter - linesBefore;
            List<Received> refusals = inbox.of(ContentType.REPLY).stream().filter(r -> r.body().has("refused")).toList();
            System.out.println("flood test: " + FLOOD + " frames in " + String.format("%.1f", floodSeconds)
                    + " s; log grew by " + grown + " lines; " + refusals.size() + " refusal replies; alarm latencies "
                    + alarmLatenciesMs + " ms; " + during.size() + " telemetry during; " + stats);

            assertTrue(alarmLatenciesMs.stream().allMatch(ms -> ms < 1000), "alarm latency " + alarmLatenciesMs);
            // per reason at most burst + rate × duration lines/replies; four reasons (BAD_FRAME, REPLAYED, STALE,
            // QUEUE_FULL), with slack for the drain and connection lines
            double seconds = (System.nanoTime() - windowStart) / 1e9 + 1;
            long lineBound = (long) (4 * (5 + 1 * seconds)) + 20;
            assertTrue(grown <= lineBound, "log grew by " + grown + " lines, bound " + lineBound);
            long replyBound = (long) (2 * (5 + 2 * seconds));
            assertTrue(refusals.size() <= replyBound, refusals.size() + " refusal replies, bound " + replyBound);
            assertTrue(refusals.size() >= 2, "refused commands are still told (rate-limited)");
            assertTrue(refusals.stream().allMatch(r -> r.opened().priority() == 3), "refusal replies below telemetry");
            assertTrue(stats.contains(" evicted=0 "), stats);
            assertEquals(1, Files.readAllLines(log).stream().filter(l -> l.startsWith("RAN ")).count(),
                    "only the genuine command ran");
            assertTrue(windowEnd > windowStart);
        } finally {
            if (gw != null) {
                gw.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Asks the gateway for an alarm and waits for it at the receiver: the latency in ms. */
    private static long alarm(OutputStream control, Inbox inbox, int n) throws Exception {
        long t0 = System.nanoTime();
        control.write(("alarm " + n + "\n").getBytes(StandardCharsets.UTF_8));
        control.flush();
        inbox.await(r -> r.opened().contentType() == ContentType.ALARM && r.body().path("n").asInt() == n, 1, 30,
                "alarm " + n);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static long lines(Path log) throws Exception {
        return Files.readAllLines(log).size();
    }

    private static String awaitLog(Path log, String what, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Pattern line = Pattern.compile("^.*" + Pattern.quote(what) + ".*$", Pattern.MULTILINE);
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(log));
            if (m.find()) {
                return m.group();
            }
            if (!p.isAlive()) {
                fail("gateway process exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        fail("no \"" + what + "\" in the gateway log: " + Files.readString(log));
        return null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
