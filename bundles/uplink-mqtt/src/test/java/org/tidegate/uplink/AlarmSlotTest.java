package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.uplink.bench.UplinkRig;

/**
 * The ordering decision behind "alarms overtake the drain", without any timing: with the routine window full of
 * backlog messages the broker has not acknowledged (mosquitto stopped), an alarm committed while the rest of the
 * backlog waits is published at once into an alarm slot, so it reaches the receiver right after the messages that
 * were already in flight and before every one that was waiting.
 */
class AlarmSlotTest {
    private static final int WINDOW = 16;
    private static final int BACKLOG = 100;

    @TempDir
    Path dir;

    @Test
    void anAlarmSubmittedWhileTheBacklogWaitsIsPublishedBeforeIt() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        try (broker;
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), DeliveryTest.GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options(broker.url()),
                     keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null).start()) {
            inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
            broker.pause(); // connections stay open, nothing is acknowledged: the window stays full
            long alarm;
            try {
                for (int i = 0; i < BACKLOG; i++) {
                    rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4,
                            ("{\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                }
                awaitPublished(rig, WINDOW);
                Thread.sleep(200); // nothing more may go out: every routine slot waits for a PUBACK
                assertEquals(WINDOW, rig.uplink().state().published(), "the routine window is full");

                alarm = rig.outbox().submit(ContentType.ALARM, "wl-001", 9,
                        "{\"device\":\"wl-001\",\"event\":\"level-high\",\"state\":\"raised\"}"
                                .getBytes(StandardCharsets.UTF_8));
                awaitPublished(rig, WINDOW + 1);
                assertEquals(WINDOW + 1, rig.queue().stats().inFlight(),
                        "the alarm is in flight in its own slot while " + (BACKLOG - WINDOW) + " backlog messages wait");
                assertEquals(BACKLOG + 1, rig.queue().stats().messages(), "nothing deleted without a PUBACK");
            } finally {
                broker.resume();
            }
            inbox.await(r -> r.opened().contentType() != ContentType.STATUS, BACKLOG + 1, 60, "everything");
            List<Received> data;
            synchronized (inbox) {
                data = inbox.accepted.stream().filter(r -> r.opened().contentType() != ContentType.STATUS).toList();
            }
            int at = -1;
            for (int i = 0; i < data.size(); i++) {
                if (data.get(i).opened().sequence() == alarm) {
                    at = i;
                }
            }
            assertEquals(WINDOW, at, "the alarm arrives right after the " + WINDOW + " messages that were in flight,"
                    + " before the " + (BACKLOG - WINDOW) + " that were waiting");
            assertTrue(data.subList(WINDOW + 1, data.size()).stream()
                    .allMatch(r -> r.opened().contentType() == ContentType.TELEMETRY));
            DeliveryTest.awaitEmpty(rig);
        }
    }

    private static void awaitPublished(UplinkRig rig, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (rig.uplink().state().published() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, rig.uplink().state().published());
    }
}
