package org.tidegate.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.cloud.broker.LabBroker;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.demo.DemoHome;
import org.tidegate.simulator.Scenario;
import org.tidegate.simulator.SiteModel;
import org.tidegate.simulator.Simulator;

/**
 * The whole path with real parts: the packaged gateway ({@code tidegate run}, its own JVM) with a real home
 * directory, the Modbus simulators over TCP, mock GPIO, a real broker process (mosquitto; Moquette where
 * mosquitto is not installed) and the cloud receiver. The broker goes away for a while during a flood.
 */
@Timeout(300)
class WholePathTest {
    static final Path DIST = Path.of("../launcher/target/tidegate/bin/tidegate").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Arrival(long receivedAt, Received message) {
        ContentType type() {
            return message.opened().contentType();
        }

        JsonNode body() {
            return message.body();
        }
    }

    @Test
    void telemetryAndAlarmsSurviveAnOutageAndTheSirenSwitchesOffline() throws Exception {
        LabBroker broker = MosquittoBroker.installed() ? new MosquittoBroker(tmp.resolve("mosquitto")) : new EmbeddedBroker(0);
        broker.start();
        Simulator sim = new Simulator(1.0);
        Process gateway = null;
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        List<Refused> refused = new CopyOnWriteArrayList<>();
        try {
            int modbus = sim.startTcp("127.0.0.1", 0);
            Path home = tmp.resolve("home");
            DemoHome demo = DemoHome.create(home, broker.url())
                    .waterLevel("wl-001", "127.0.0.1", modbus, 500)
                    .powerMeter("pm-001", "127.0.0.1", modbus, 1000)
                    .smokeAndSiren();
            EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(),
                    TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey()))
                    .duplicateFilter(new DuplicateFilter()).build();
            try (CloudReceiver receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "e2e-cloud").persistent("e2e-cloud"),
                    "tidegate", opener, new CloudReceiver.Listener() {
                        @Override
                        public void accepted(Received m) {
                            arrivals.add(new Arrival(System.currentTimeMillis(), m));
                        }

                        @Override
                        public void refused(Refused m) {
                            refused.add(m);
                        }
                    }, 300)) {
                receiver.start();
                assertTrue(receiver.awaitSubscribed(20, TimeUnit.SECONDS));
                gateway = new ProcessBuilder(DIST.toString(), "run", "--home", home.toString())
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.out").toFile()).start();

                // 1. Normal operation: values match the simulator within the profile's scale.
                waitFor(Duration.ofSeconds(90), () -> count(arrivals, "pm-001") >= 5, "telemetry from pm-001", tmp);
                Arrival level = last(arrivals, "wl-001", "level");
                double reported = sample(level, "level").path("v").asDouble();
                assertEquals(sim.site().level(), reported, 0.05, "level within noise of the simulator");
                JsonNode volts = sample(last(arrivals, "pm-001", "voltageL1"), "voltageL1");
                assertEquals(230.0, volts.path("v").asDouble(), 10.0, "voltage near the simulator's 230 V");
                assertEquals("V", volts.path("u").asText());

                // 2. Outage: the broker stops; a flood passes the warning line meanwhile.
                broker.stop();
                long outageStart = System.currentTimeMillis();
                sim.site().speed(400);
                sim.scenario(Scenario.FLOOD);
                waitFor(Duration.ofSeconds(90), () -> sim.site().level() > SiteModel.WARNING_LEVEL_M + 0.4, "flood level", tmp);
                Thread.sleep(3000); // polls past the line, the alarm and the siren action happen offline
                sim.scenario(Scenario.NORMAL);
                sim.site().speed(1);
                long outageEnd = System.currentTimeMillis();
                int beforeRestart = arrivals.size();
                broker.start(); // same port; mosquitto keeps the receiver's persistent session in its database

                // 3. Everything produced meanwhile arrives; alarms first.
                waitFor(Duration.ofSeconds(120), () -> arrivals.stream().anyMatch(a -> a.receivedAt() > outageEnd
                        && a.type() == ContentType.TELEMETRY && a.body().path("samples").path(0).path("t").asLong() > outageEnd + 2000),
                        "fresh telemetry after the outage (backlog drained)", tmp);
                List<Arrival> after = new ArrayList<>(arrivals.subList(beforeRestart, arrivals.size()));
                List<Arrival> outageAlarms = after.stream().filter(a -> a.type() == ContentType.ALARM
                        && a.message().opened().createdAtMillis() >= outageStart && a.message().opened().createdAtMillis() <= outageEnd).toList();
                assertFalse(outageAlarms.isEmpty(), "no alarm raised during the outage arrived");
                assertTrue(outageAlarms.stream().allMatch(a -> a.message().opened().priority() == 9), "alarms travel at priority 9");
                assertTrue(outageAlarms.stream().anyMatch(a -> "level_warning".equals(a.body().path("event").asText())
                        && "raised".equals(a.body().path("state").asText())), "level_warning raised during the outage");
                int lastAlarm = after.indexOf(outageAlarms.get(outageAlarms.size() - 1));
                // The backlog is what was sealed once the gateway had certainly lost the broker: a message sealed in
                // the millisecond stop() returned may still have reached the exiting broker, which saves it and hands
                // it to the receiver's session first after the restart (delivered, not backlog).
                long backlogFrom = outageStart + 1000;
                int firstBacklog = indexOfFirst(after, a -> a.type() == ContentType.TELEMETRY
                        && a.message().opened().createdAtMillis() >= backlogFrom && a.message().opened().createdAtMillis() <= outageEnd);
                assertTrue(firstBacklog >= 0, "the outage's telemetry backlog arrived");
                assertTrue(lastAlarm < firstBacklog, "alarms from the outage arrive before its backlog (alarm #" + lastAlarm
                        + " sealed " + (after.get(lastAlarm).message().opened().createdAtMillis() - outageStart)
                        + " ms into the outage, first backlog telemetry #" + firstBacklog + " sealed "
                        + (after.get(firstBacklog).message().opened().createdAtMillis() - outageStart) + " ms into it)");

                // The siren switched while the broker was down: the action event and the siren's own telemetry say when.
                assertTrue(after.stream().anyMatch(a -> "action".equals(a.body().path("event").asText())
                        && "siren-01".equals(a.body().path("device").asText())
                        && a.body().path("v").asBoolean(false)
                        && a.body().path("t").asLong() >= outageStart && a.body().path("t").asLong() <= outageEnd),
                        "siren action recorded during the outage");
                assertTrue(after.stream().filter(a -> "siren-01".equals(a.body().path("device").asText()) && a.type() == ContentType.TELEMETRY)
                        .flatMap(a -> stream(a.body().path("samples")))
                        .anyMatch(s -> s.path("v").asBoolean(false) && s.path("t").asLong() >= outageStart && s.path("t").asLong() <= outageEnd),
                        "siren output read back as on during the outage");

                // 4. Nothing lost: pm-001 reports every poll (no rules); its sample times have no hole, outage included.
                List<Long> times = arrivals.stream().filter(a -> "pm-001".equals(a.body().path("device").asText()))
                        .flatMap(a -> stream(a.body().path("samples")).limit(1)).map(s -> s.path("t").asLong()).sorted().toList();
                for (int i = 1; i < times.size(); i++) {
                    assertTrue(times.get(i) - times.get(i - 1) < 2600, "hole in pm-001 telemetry between " + times.get(i - 1)
                            + " and " + times.get(i) + " (outage " + outageStart + ".." + outageEnd + ")");
                }
                assertTrue(times.get(0) < outageStart && times.get(times.size() - 1) > outageEnd);
                // Exactly once per sequence number at the application (the receiver drops repeats), none refused.
                assertEquals(arrivals.size(), arrivals.stream().mapToLong(a -> a.message().opened().sequence()).distinct().count());
                // Repeats are expected and dropped, never an attack: the retained birth message comes again with every
                // new subscription, and a message in flight when the broker stopped is sent again (at least once).
                // Anything refused for another reason (signature, tag, sender) fails the test.
                assertTrue(refused.stream().allMatch(r -> r.reason() == org.tidegate.crypto.EnvelopeException.Reason.DUPLICATE),
                        () -> "refused: " + refused);
            }
        } finally {
            if (gateway != null) {
                gateway.destroy();
                gateway.waitFor(30, TimeUnit.SECONDS);
                gateway.destroyForcibly();
            }
            sim.close();
            broker.close();
        }
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l.stream();
    }

    private static int indexOfFirst(List<Arrival> l, java.util.function.Predicate<Arrival> p) {
        for (int i = 0; i < l.size(); i++) {
            if (p.test(l.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static long count(List<Arrival> arrivals, String device) {
        return arrivals.stream().filter(a -> a.type() == ContentType.TELEMETRY && device.equals(a.body().path("device").asText())).count();
    }

    private static Arrival last(List<Arrival> arrivals, String device, String channel) {
        for (int i = arrivals.size() - 1; i >= 0; i--) {
            Arrival a = arrivals.get(i);
            if (a.type() == ContentType.TELEMETRY && device.equals(a.body().path("device").asText()) && sample(a, channel) != null) {
                return a;
            }
        }
        throw new AssertionError("no " + device + "/" + channel + " telemetry");
    }

    private static JsonNode sample(Arrival a, String channel) {
        for (JsonNode s : a.body().path("samples")) {
            if (channel.equals(s.path("ch").asText())) {
                return s;
            }
        }
        return null;
    }

    private static void waitFor(Duration max, BooleanSupplier condition, String what, Path tmp) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        Path out = tmp.resolve("gateway.out");
        throw new AssertionError("timed out waiting for: " + what + "\n--- gateway output ---\n"
                + (Files.exists(out) ? Files.readString(out) : ""));
    }
}
