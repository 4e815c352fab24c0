package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.LabBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.uplink.bench.UplinkRig;

/**
 * The broker is stopped for a while and started again — with its database (persistent sessions kept) or
 * wiped (no session survives) — while the gateway keeps producing: everything arrives, and the alarms raised
 * during the outage arrive before the telemetry backlog, oldest first.
 */
class BrokerRestartTest {
    static final String GW = DeliveryTest.GW;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"mosquitto:keep", "mosquitto:wipe", "embedded:wipe"})
    void everythingProducedDuringTheOutageArrivesAlarmsFirst(String variant) throws Exception {
        String kind = variant.split(":")[0];
        boolean wipe = variant.endsWith("wipe");
        TestKeys keys = TestKeys.create(dir);
        try (LabBroker broker = Brokers.start(kind, dir.resolve("broker"));
             TcpGate gate = new TcpGate(broker.port());
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), GW, keys.gateway());
             UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options(gate.url()).withReconnect(200, 1000),
                     keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null).start()) {
            inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
            Set<Long> live = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                live.add(submit(rig, ContentType.TELEMETRY, 4, "live", i));
            }
            inbox.await(r -> live.contains(r.opened().sequence()), live.size(), 30, "live telemetry");

            gate.setOpen(false);
            if (wipe) {
                broker.wipe();
            } else {
                broker.stop();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (rig.uplink().state().connected() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(!rig.uplink().state().connected(), "uplink noticed the broker going away");

            Set<Long> backlog = new HashSet<>();
            Set<Long> alarms = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                backlog.add(submit(rig, ContentType.TELEMETRY, 4, "backlog", i));
                if (i % 5 == 4) { // more alarms than the alarm slots and the window hold at once
                    alarms.add(submit(rig, ContentType.ALARM, 9, "alarm", i));
                }
            }
            Thread.sleep(1500); // a few failed reconnects
            assertEquals(backlog.size() + alarms.size(), rig.queue().stats().messages(), "all kept in the store");

            broker.start();
            assertTrue(inbox.awaitSubscribed(30), "test subscriber back");
            gate.setOpen(true);
            inbox.await(r -> backlog.contains(r.opened().sequence()) || alarms.contains(r.opened().sequence()),
                    backlog.size() + alarms.size(), 90, "backlog and alarms after the restart");

            List<Long> order = new ArrayList<>();
            for (Received r : inbox.accepted) {
                long seq = r.opened().sequence();
                if (backlog.contains(seq) || alarms.contains(seq)) {
                    order.add(seq);
                }
            }
            assertEquals(backlog.size() + alarms.size(), new HashSet<>(order).size(), "each exactly once");
            int lastAlarm = 0;
            int firstBacklog = Integer.MAX_VALUE;
            for (int i = 0; i < order.size(); i++) {
                if (alarms.contains(order.get(i))) {
                    lastAlarm = Math.max(lastAlarm, i);
                } else {
                    firstBacklog = Math.min(firstBacklog, i);
                }
            }
            assertTrue(lastAlarm < firstBacklog, "alarms (positions up to " + lastAlarm
                    + ") arrive before the telemetry backlog (from position " + firstBacklog + ")");
            // Within a priority: oldest first (docs/mqtt.md), alarms too, though two threads take and publish them.
            List<Long> alarmOrder = order.stream().filter(alarms::contains).toList();
            assertEquals(alarmOrder.stream().sorted().toList(), alarmOrder, "alarms arrive oldest first");
            // Within the backlog: oldest first.
            List<Long> backlogOrder = order.stream().filter(backlog::contains).toList();
            assertEquals(backlogOrder.stream().sorted().toList(), backlogOrder, "backlog drains oldest first");
            assertTrue(inbox.of(ContentType.STATUS).size() >= 2, "a birth message on each connect");
            DeliveryTest.awaitEmpty(rig);
        }
    }

    static long submit(UplinkRig rig, ContentType type, int priority, String what, int i) throws Exception {
        return rig.outbox().submit(type, "wl-001", priority,
                ("{\"device\":\"wl-001\",\"what\":\"" + what + "\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
}
