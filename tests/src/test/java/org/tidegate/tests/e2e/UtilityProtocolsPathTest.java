package org.tidegate.tests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
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
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.testing.SocatPair;
import org.tidegate.driver.sl651.codec.FunctionCode;
import org.tidegate.driver.sl651.station.SimulatedStation;
import org.tidegate.simulator.HydroStation;
import org.tidegate.simulator.MeterBusSite;
import org.tidegate.simulator.SiteModel;

/**
 * Issue 15's integration: the packaged gateway ({@code tidegate run}, its own JVM) reads three simulated DL/T 645
 * meters on one socat pty bus and receives a simulated SL 651 station's reports over TCP; the samples reach the
 * cloud receiver through a real broker (mosquitto; Moquette where it is not installed) with the meters' values,
 * the station's values and its observation times, and a report sent again after a lost acknowledgement arrives
 * once.
 */
@Timeout(240)
class UtilityProtocolsPathTest {
    static final Path DIST = Path.of("../launcher/target/tidegate/bin/tidegate").toAbsolutePath().normalize();
    static final String STATION = "0011223344";
    static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path tmp;

    @Test
    void metersAndStationReachTheCloud() throws Exception {
        LabBroker broker = MosquittoBroker.installed() ? new MosquittoBroker(tmp.resolve("mosquitto")) : new EmbeddedBroker(0);
        broker.start();
        SiteModel site = new SiteModel(1.0, 15);
        List<Received> arrivals = new CopyOnWriteArrayList<>();
        List<Refused> refused = new CopyOnWriteArrayList<>();
        Process gateway = null;
        int listenPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            listenPort = probe.getLocalPort();
        }
        try (SocatPair pair = SocatPair.start(tmp);
             MeterBusSite meters = MeterBusSite.start(site, new SerialSettings(pair.endB().toString(), 2400, SerialSettings.Parity.NONE, 8, 1))) {
            Path home = tmp.resolve("home");
            DemoHome demo = DemoHome.create(home, broker.url());
            for (int i = 0; i < 3; i++) {
                demo.dlt645Meter("em-00" + (i + 1), pair.endA().toString(), "none", MeterBusSite.ADDRESSES.get(i), 1000);
            }
            demo.sl651Station("hs-001", listenPort, STATION);
            EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(), TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey()))
                    .duplicateFilter(new DuplicateFilter()).build();
            try (CloudReceiver receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "utility-cloud").persistent("utility-cloud"),
                    "tidegate", opener, new CloudReceiver.Listener() {
                        @Override
                        public void accepted(Received m) {
                            arrivals.add(m);
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

                // The meters: every one of the three on the bus reports, with the simulator's values.
                waitFor(Duration.ofSeconds(90), () -> MeterBusSite.ADDRESSES.stream().allMatch(a -> !samples(arrivals, deviceOf(a), "energy").isEmpty()),
                        "telemetry from the three meters");
                JsonNode lightingPower = last(samples(arrivals, "em-002", "power"));
                assertEquals(MeterBusSite.LIGHTING_KW, lightingPower.path("v").asDouble(), 1e-9);
                assertEquals("kW", lightingPower.path("u").asText());
                assertEquals(MeterBusSite.LIGHTING_KWH, last(samples(arrivals, "em-002", "energy")).path("v").asDouble(), 1e-9);
                for (String d : List.of("em-001", "em-002", "em-003")) {
                    for (String ch : List.of("voltageA", "voltageB", "voltageC")) {
                        double v = last(samples(arrivals, d, ch)).path("v").asDouble();
                        assertTrue(v > 220 && v < 240, d + "/" + ch + " = " + v);
                    }
                }
                JsonNode pump = last(samples(arrivals, "em-001", "energy"));
                assertEquals(site.energyKwh(), pump.path("v").asDouble(), 0.05, "pump energy near the simulator's");
                long now = System.currentTimeMillis();
                assertTrue(pump.path("t").asLong() > now - 10_000 && pump.path("t").asLong() <= now, "sample time is the poll's");

                // The station: connects once the gateway listens, reports; one acknowledgement is lost on the way.
                SimulatedStation link = connect(listenPort);
                try (HydroStation station = new HydroStation(site, link, BEIJING, Duration.ofHours(1))) {
                    SimulatedStation.Outcome first = station.report(FunctionCode.TIMED);
                    assertTrue(first.acknowledged(), first.toString());
                    link.loseAcknowledgements(1);
                    SimulatedStation.Outcome resent = station.report(FunctionCode.ADDED);
                    assertTrue(resent.acknowledged() && resent.sends() == 2, "sent again after the lost acknowledgement: " + resent);
                    SimulatedStation.Outcome third = station.report(FunctionCode.TIMED);
                    assertTrue(third.acknowledged(), third.toString());
                    long sentAt = System.currentTimeMillis();
                    waitFor(Duration.ofSeconds(30), () -> samples(arrivals, "hs-001", "level").size() >= 3, "three station reports");
                    Thread.sleep(3000); // a repeat, if the gateway let one through, would arrive by now
                    List<JsonNode> levels = samples(arrivals, "hs-001", "level");
                    assertEquals(3, levels.size(), "three reports, the resent one once: " + levels);
                    for (JsonNode l : levels) {
                        assertEquals(site.level(), l.path("v").asDouble(), 0.01, "level as the station measured it");
                        assertEquals("m", l.path("u").asText());
                        long t = l.path("t").asLong();
                        assertEquals(0, t % 60_000, "the observation time, to the minute: " + t);
                        assertTrue(t <= sentAt && t > sentAt - 120_000, "observed just now (Beijing time on the wire): " + t);
                    }
                    assertEquals(HydroStation.SUPPLY_VOLTS, last(samples(arrivals, "hs-001", "voltage")).path("v").asDouble(), 1e-9);
                }
                assertTrue(refused.stream().allMatch(r -> r.reason() == org.tidegate.crypto.EnvelopeException.Reason.DUPLICATE),
                        () -> "refused: " + refused);
            }
        } finally {
            if (gateway != null) {
                gateway.destroy();
                gateway.waitFor(30, TimeUnit.SECONDS);
                gateway.destroyForcibly();
            }
            broker.close();
        }
    }

    private static String deviceOf(String meterAddress) {
        return "em-00" + (MeterBusSite.ADDRESSES.indexOf(meterAddress) + 1);
    }

    /** The station's connection, once the gateway's receiver listens (bounded). */
    private SimulatedStation connect(int port) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return SimulatedStation.tcp("127.0.0.1", port, STATION, 5, 0x03E8, BEIJING, 3000, 2);
            } catch (java.net.ConnectException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("gateway not listening on " + port + "\n" + Files.readString(tmp.resolve("gateway.out")));
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<JsonNode> samples(List<Received> arrivals, String device, String channel) {
        List<JsonNode> out = new ArrayList<>();
        for (Received m : arrivals) {
            if (m.opened().contentType() != ContentType.TELEMETRY || !device.equals(m.body().path("device").asText())) {
                continue;
            }
            for (JsonNode s : m.body().path("samples")) {
                if (channel.equals(s.path("ch").asText()) && !"bad".equals(s.path("q").asText())) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static JsonNode last(List<JsonNode> l) {
        assertTrue(!l.isEmpty(), "no samples");
        return l.get(l.size() - 1);
    }

    private void waitFor(Duration max, BooleanSupplier condition, String what) throws Exception {
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
