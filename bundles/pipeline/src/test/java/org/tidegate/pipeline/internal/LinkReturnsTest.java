package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.core.model.Device;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.InMemoryDriver;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.pipeline.Pipeline;
import org.tidegate.pipeline.PipelineFlowTest;
import org.tidegate.pipeline.PipelineSettings;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * Gateway to cloud with no MQTT session at first: the siren switches at once, the alarm and the action outcome
 * wait sealed in the store, and when the uplink connects they reach the cloud receiver. (The uplink's own tests
 * cover reconnecting to a broker that was down; here the cloud side subscribes first so nothing can be missed.)
 */
class LinkReturnsTest {
    private static final String GW = "gw-riverside-01";

    @TempDir
    Path dir;

    private final List<Received> received = new ArrayList<>();

    @Test
    void sirenSwitchesWhileTheBrokerIsDownAndTheAlarmArrivesWhenItIsBack() throws Exception {
        KeyPair gateway = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        InMemoryDriver driver = new InMemoryDriver();
        Map<String, DevicePoller> pollers = new ConcurrentHashMap<>();
        EnvelopeOpener opener = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of(GW, gateway.getPublic()))
                .build();
        try (EmbeddedBroker broker = EmbeddedBroker.startOnFreePort();
             CloudReceiver receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "cloud-test"), "tidegate",
                     opener, new CloudReceiver.Listener() {
                         @Override
                         public void accepted(Received message) {
                             synchronized (received) {
                                 received.add(message);
                                 received.notifyAll();
                             }
                         }

                         @Override
                         public void refused(Refused message) {
                         }
                     }, 200);
             UplinkRig rig = UplinkRig.open(dir.resolve("data"),
                     UplinkOptions.defaults(GW, broker.url()).withReconnect(200, 1000),
                     gateway.getPrivate(), "cloud", cloud.getPublic(), null)) {
            receiver.start();
            assertTrue(receiver.awaitSubscribed(20, TimeUnit.SECONDS));
            Pipeline pipeline = new Pipeline(PipelineSettings.defaults(GW), Clock.systemUTC(), (d, c, v) -> {
                if (!pollers.get(d).write(c, v).ok()) {
                    throw new IllegalStateException("write failed");
                }
            });
            pipeline.setSink(new OutboxMessageSink(rig.outbox()));
            pipeline.start();
            try {
                for (Device d : List.of(PipelineFlowTest.waterLevel(), PipelineFlowTest.siren())) {
                    pipeline.addDevice(d);
                    pollers.put(d.id(), new DevicePoller(d, driver.open(d), () -> List.of(pipeline)));
                }
                driver.set("wl-001", "level", 3.40);
                pollers.get("wl-001").pollOnce();
                driver.set("wl-001", "level", 3.58);
                pollers.get("wl-001").pollOnce();

                long deadline = System.currentTimeMillis() + 20_000;
                while (driver.writes().isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(List.of("siren-01/siren=true"), driver.writes(), "switched with no MQTT session");
                while (rig.queue().stats().messages() < 4 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(rig.queue().stats().messages() >= 4, "alarm, action, 2 telemetry stored");
                synchronized (received) {
                    assertEquals(List.of(), received, "nothing can have left yet");
                }

                rig.start(); // the link returns
                Received alarm = await(r -> r.opened().contentType() == ContentType.ALARM
                        && "alarm".equals(r.body().path("kind").asText()));
                assertEquals("tidegate/" + GW + "/alarm/wl-001", alarm.topic());
                assertEquals(9, alarm.opened().priority());
                assertEquals("level_warning", alarm.body().path("event").asText());
                assertEquals("raised", alarm.body().path("state").asText());
                assertEquals(3.58, alarm.body().path("v").asDouble(), 1e-6);
                Received action = await(r -> "action".equals(r.body().path("kind").asText()));
                assertEquals("tidegate/" + GW + "/alarm/siren-01", action.topic());
                assertEquals("done", action.body().path("state").asText());
                Received telemetry = await(r -> r.opened().contentType() == ContentType.TELEMETRY);
                assertEquals(4, telemetry.opened().priority());
            } finally {
                pipeline.close();
                pollers.values().forEach(DevicePoller::close);
            }
        }
    }

    private Received await(Predicate<Received> which) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        synchronized (received) {
            while (true) {
                for (Received r : received) {
                    if (which.test(r)) {
                        return r;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("not received within 30 s; have " + received);
                }
                received.wait(left);
            }
        }
    }
}
