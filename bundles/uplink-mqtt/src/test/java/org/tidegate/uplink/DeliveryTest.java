package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.LabBroker;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;

/** Messages appended while the broker is up arrive exactly once per sequence; the store keeps each until PUBACK. */
class DeliveryTest {
    static final String GW = "gw-test-0001";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"mosquitto", "embedded"})
    void everyMessageArrivesOncePerSequenceAndTheStoreEmpties(String kind) throws Exception {
        TestKeys keys = TestKeys.create(dir);
        try (LabBroker broker = Brokers.start(kind, dir.resolve("broker"));
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), options(broker.url()), keys.gateway().getPrivate(),
                     "cloud", keys.cloud().getPublic(), null).start()) {
            inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
            Received birth = inbox.of(ContentType.STATUS).get(0);
            assertEquals("online", birth.body().path("state").asText());
            assertTrue(birth.body().path("queue").has("evicted"), birth.body().toString());
            assertEquals(kind.equals("mosquitto") ? "tidegate/" + GW + "/status" : birth.topic(), birth.topic());

            Set<Long> sent = new TreeSet<>();
            for (int i = 0; i < 240; i++) {
                boolean alarm = i % 20 == 0;
                sent.add(rig.outbox().submit(alarm ? ContentType.ALARM : ContentType.TELEMETRY, "wl-001",
                        alarm ? 9 : 4, ("{\"gateway\":\"" + GW + "\",\"device\":\"wl-001\",\"i\":" + i + "}")
                                .getBytes(StandardCharsets.UTF_8)));
            }
            inbox.await(r -> r.opened().contentType() != ContentType.STATUS, sent.size(), 60, "all messages");
            List<Received> data = inbox.accepted.stream()
                    .filter(r -> r.opened().contentType() != ContentType.STATUS).toList();
            Set<Long> got = new HashSet<>();
            for (Received r : data) {
                assertTrue(got.add(r.opened().sequence()), "sequence accepted twice: " + r.opened().sequence());
                String expectedTopic = "tidegate/" + GW + "/" + (r.opened().contentType() == ContentType.ALARM
                        ? "alarm" : "telemetry") + "/wl-001";
                assertEquals(expectedTopic, r.topic());
            }
            assertEquals(sent, new TreeSet<>(got));
            assertEquals(List.of(), inbox.refusedOtherThanDuplicates());
            awaitEmpty(rig);
            assertEquals(240, rig.queue().stats().delivered());
        }
    }

    @Test
    void nothingLeavesTheStoreBeforeItsPuback() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        try (broker;
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), options(broker.url()), keys.gateway().getPrivate(),
                     "cloud", keys.cloud().getPublic(), null).start()) {
            inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
            broker.pause(); // connections stay open, nothing is acknowledged
            try {
                for (int i = 0; i < 50; i++) {
                    rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4, ("{\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (rig.uplink().state().published() < 16 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(500);
                QueueStats s = rig.queue().stats();
                assertEquals(16, rig.uplink().state().published(), "the in-flight window bounds what is published");
                assertEquals(0, rig.uplink().state().acknowledged());
                assertEquals(50, s.messages(), "all 50 still stored while no PUBACK came");
                assertEquals(16, s.inFlight());
                assertEquals(0, s.delivered());
            } finally {
                broker.resume();
            }
            inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 50, 60, "messages after resume");
            awaitEmpty(rig);
        }
    }

    @Test
    void aNewAlarmOvertakesABacklogThatIsDraining() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        try (LabBroker broker = Brokers.start("embedded", dir.resolve("broker"));
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), options(broker.url()).withFlow(4, 50),
                     keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null)) {
            for (int i = 0; i < 200; i++) {
                rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4, ("{\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            rig.start(); // drains at 50 msg/s with a window of 4
            inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 20, 30, "the start of the drain");
            long alarm = rig.outbox().submit(ContentType.ALARM, "wl-001", 9,
                    "{\"device\":\"wl-001\",\"event\":\"level-high\",\"state\":\"raised\"}".getBytes(StandardCharsets.UTF_8));
            inbox.await(r -> r.opened().sequence() == alarm, 1, 30, "the alarm");
            long telemetryBeforeAlarm;
            synchronized (inbox) {
                telemetryBeforeAlarm = inbox.of(ContentType.TELEMETRY).size();
            }
            assertTrue(telemetryBeforeAlarm < 100, "the alarm went out while " + (200 - telemetryBeforeAlarm)
                    + " backlog messages were still waiting, not after them");
            inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 200, 60, "the rest of the backlog");
        }
    }

    static UplinkOptions options(String url) {
        return UplinkOptions.defaults(GW, url).withReconnect(200, 2000).withFlow(16, 0).withProgressLog(1000);
    }

    static void awaitEmpty(UplinkRig rig) throws InterruptedException {
        awaitEmpty(rig.queue());
    }

    static void awaitEmpty(StoreAndForwardQueue queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (queue.stats().messages() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, queue.stats().messages(), "store empties once everything is acknowledged");
    }
}
