package org.tidegate.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.cloud.broker.RawMqtt;

/**
 * The subscription the receiver and the ingest share, against a real mosquitto: with manual acknowledgements, what
 * was not acknowledged comes again to the next connection of the same persistent session (and an acknowledgement
 * for an old connection is not sent); after a broker restart it subscribes again by itself.
 */
class BrokerSubscriptionTest {
    record Delivery(String topic, String payload, int id, int qos, long connection) {
    }

    @TempDir
    Path dir;

    @Test
    void unacknowledgedMessagesComeAgainAndABrokerRestartIsSurvived() throws Exception {
        boolean installed = MosquittoBroker.installed();
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("mosquitto is required in CI: .ci/run should install it");
        }
        assumeTrue(installed, "mosquitto is not installed");
        try (MosquittoBroker broker = new MosquittoBroker(dir)) {
            broker.start();
            BrokerConnection session = BrokerConnection.of(broker.url(), "t").persistent("sub-test");
            LinkedBlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
            BrokerSubscription.Handler handler = (topic, m, connection) -> got.add(new Delivery(topic,
                    new String(m.getPayload(), StandardCharsets.UTF_8), m.getId(), m.getQos(), connection));
            BrokerSubscription.Settings manual = new BrokerSubscription.Settings("test", true, 10, 50, 100, null);
            Delivery first;
            try (BrokerSubscription s = new BrokerSubscription(session, List.of("t/#"), manual, handler);
                 RawMqtt pub = new RawMqtt(broker.url(), "pub", null)) {
                s.start();
                assertTrue(s.awaitSubscribed(15, TimeUnit.SECONDS));
                for (int i = 1; i <= 3; i++) {
                    pub.publish("t/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                }
                first = got.poll(15, TimeUnit.SECONDS);
                assertEquals("m1", first.payload());
                assertEquals(s.connection(), first.connection());
                assertTrue(s.ack(first.id(), first.qos(), first.connection()));
                for (int i = 2; i <= 3; i++) {
                    assertEquals("m" + i, got.poll(15, TimeUnit.SECONDS).payload()); // not acknowledged
                }
            }
            try (BrokerSubscription s = new BrokerSubscription(session, List.of("t/#"), manual, handler)) {
                s.start();
                // the same session: m2 and m3 again, m1 (acknowledged) not
                Delivery again = got.poll(15, TimeUnit.SECONDS);
                Delivery again2 = got.poll(15, TimeUnit.SECONDS);
                assertEquals(List.of("m2", "m3"), List.of(again.payload(), again2.payload()));
                assertTrue(s.ack(again.id(), again.qos(), again.connection()));
                assertTrue(s.awaitSubscribed(15, TimeUnit.SECONDS));
                long connects = s.connects();

                broker.stop(); // mosquitto saves its sessions; m3 is still unacknowledged
                broker.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (s.connects() == connects || !s.subscribed()) {
                    assertTrue(System.nanoTime() < deadline, "not subscribed again after the broker restart");
                    Thread.sleep(20);
                }
                assertFalse(s.ack(again2.id(), again2.qos(), again2.connection()),
                        "a packet id of the old connection is not acknowledged on the new one");
                try (RawMqtt pub2 = new RawMqtt(broker.url(), "pub2", null)) {
                    pub2.publish("t/after", "m4".getBytes(StandardCharsets.UTF_8), 1, false);
                }
                Delivery x = got.poll(15, TimeUnit.SECONDS);
                Delivery y = got.poll(15, TimeUnit.SECONDS);
                assertEquals(java.util.Set.of("m3", "m4"), java.util.Set.of(x.payload(), y.payload()));
                assertEquals(s.connection(), x.connection());
                assertEquals(s.connection(), y.connection());
            }
        }
    }
}
