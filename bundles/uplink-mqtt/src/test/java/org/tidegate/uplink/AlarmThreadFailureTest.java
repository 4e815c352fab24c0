package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.outbox.Outbox;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tidegate.uplink.internal.LinkStatus;
import org.tidegate.uplink.mqtt.CommandDispatcher;
import org.tidegate.uplink.mqtt.CommandProcessor;
import org.tidegate.uplink.mqtt.CommandQueue;
import org.tidegate.uplink.mqtt.MqttUplink;
import org.tidegate.uplink.mqtt.StatusReport;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * A fault in the {@code tidegate-uplink-alarms} thread (here: every call it makes to the store fails, as a store
 * error would)
 * is counted in the uplink's state and the status message's {@code link} object, and alarms still reach the
 * broker through the session thread.
 */
class AlarmThreadFailureTest {
    @TempDir
    Path dir;

    @Test
    void aFailingAlarmThreadIsCountedInTheStatusAndAlarmsStillArrive() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        Files.createDirectories(dir.resolve("data"));
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        AtomicLong refusedTakes = new AtomicLong();
        try (broker;
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), DeliveryTest.GW, keys.gateway());
             SqliteQueue store = SqliteQueue.open(QueueOptions.defaults(dir.resolve("data/queue.db")));
             SequenceFile sequences = SequenceFile.forQueue(store)) {
            StoreAndForwardQueue queue = failingForTheAlarmThread(store, refusedTakes);
            UplinkOptions options = DeliveryTest.options(broker.url());
            Outbox outbox = Outbox.create(options.topics(), sequences, new EnvelopeSealer(DeliveryTest.GW,
                    keys.gateway().getPrivate(), keys.cloud().getPublic(), SealerOptions.defaults()), queue);
            StatusReport status = new StatusReport(DeliveryTest.GW, "test", queue, List::of, List::of);
            CommandQueue commands = new CommandQueue(new CommandProcessor(EnvelopeOpener.builder(keys.gateway().getPrivate(),
                    TrustedSenders.of("cloud", keys.cloud().getPublic())).commandsFor(DeliveryTest.GW).build(),
                    new CommandDispatcher(DeliveryTest.GW, List::of), outbox), CommandQueue.DEFAULT_CAPACITY);
            MqttUplink uplink = new MqttUplink(options, queue, outbox, status, commands);
            try {
                uplink.start();
                inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
                long[] alarms = new long[5];
                for (int i = 0; i < alarms.length; i++) {
                    alarms[i] = outbox.submit(ContentType.ALARM, "wl-001", 9, ("{\"device\":\"wl-001\",\"i\":" + i
                            + ",\"event\":\"level-high\",\"state\":\"raised\"}").getBytes(StandardCharsets.UTF_8));
                    Thread.sleep(100); // one at a time, so the alarm thread is woken for each
                }
                inbox.await(r -> r.opened().contentType() == ContentType.ALARM, alarms.length, 30,
                        "the alarms, sent by the session thread");
                assertTrue(refusedTakes.get() > 0, "the alarm thread looked for alarms");
                // the alarm thread keeps failing meanwhile: each count lies between the failures before and after it
                long before = refusedTakes.get();
                long counted = uplink.state().alarmThreadFailures();
                assertTrue(before <= counted && counted <= refusedTakes.get(), before + " <= " + counted);
                LinkStatus link = new LinkStatus(commands.processor(), commands, uplink::state);
                before = refusedTakes.get();
                long shown = ((Number) link.status().get("alarmThreadFailures")).longValue();
                assertTrue(before <= shown && shown <= refusedTakes.get(), before + " <= " + shown);
                DeliveryTest.awaitEmpty(store);
            } finally {
                uplink.close();
                commands.close();
            }
        }
    }

    /** The store, except that every look at it from the alarm thread fails. */
    private static StoreAndForwardQueue failingForTheAlarmThread(StoreAndForwardQueue store, AtomicLong refused) {
        return (StoreAndForwardQueue) Proxy.newProxyInstance(StoreAndForwardQueue.class.getClassLoader(),
                new Class<?>[] {StoreAndForwardQueue.class}, (proxy, method, args) -> {
                    if ((method.getName().equals("takeBatch") || method.getName().equals("alarmsPending"))
                            && Thread.currentThread().getName().equals("tidegate-uplink-alarms")) {
                        refused.incrementAndGet();
                        throw new IllegalStateException("injected: the store refuses this take");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
