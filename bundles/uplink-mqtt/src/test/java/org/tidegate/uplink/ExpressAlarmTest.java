package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.outbox.Outbox;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tidegate.uplink.mqtt.CommandDispatcher;
import org.tidegate.uplink.mqtt.CommandProcessor;
import org.tidegate.uplink.mqtt.CommandQueue;
import org.tidegate.uplink.mqtt.MqttUplink;
import org.tidegate.uplink.mqtt.StatusReport;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * An alarm is published the moment it is sealed, while its append still waits for the store (here held up on
 * purpose, as a routine commit syncing on a slow disk holds it up), and its stored copy, once written, is deleted
 * by that one PUBACK instead of being sent again.
 */
class ExpressAlarmTest {
    @TempDir
    Path dir;

    @Test
    void anAlarmReachesTheBrokerWhileItsAppendWaitsAndIsSentOnce() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        Files.createDirectories(dir.resolve("data"));
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"));
        broker.start();
        CountDownLatch disk = new CountDownLatch(1);
        try (broker;
             Inbox inbox = new Inbox(broker.url(), "cloud-test", keys.cloud(), DeliveryTest.GW, keys.gateway());
             SqliteQueue store = SqliteQueue.open(QueueOptions.defaults(dir.resolve("data/queue.db")));
             SequenceFile sequences = SequenceFile.forQueue(store)) {
            StoreAndForwardQueue queue = alarmAppendsWaitFor(disk, store);
            UplinkOptions options = DeliveryTest.options(broker.url());
            Outbox outbox = Outbox.create(options.topics(), sequences, new EnvelopeSealer(DeliveryTest.GW,
                    keys.gateway().getPrivate(), keys.cloud().getPublic(), SealerOptions.defaults()), queue);
            CommandQueue commands = new CommandQueue(new CommandProcessor(EnvelopeOpener.builder(
                    keys.gateway().getPrivate(), TrustedSenders.of("cloud", keys.cloud().getPublic()))
                    .commandsFor(DeliveryTest.GW).build(), new CommandDispatcher(DeliveryTest.GW, List::of), outbox),
                    CommandQueue.DEFAULT_CAPACITY);
            MqttUplink uplink = new MqttUplink(options, queue, outbox,
                    new StatusReport(DeliveryTest.GW, "test", queue, List::of, List::of), commands);
            try {
                uplink.start();
                inbox.await(r -> r.opened().contentType() == ContentType.STATUS, 1, 30, "birth message");
                for (int i = 0; i < 20; i++) {
                    outbox.submit(ContentType.TELEMETRY, "wl-001", 4,
                            ("{\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                }
                // Three alarms, each submitted as the pipeline does (it waits for the append), on threads of their
                // own: every append waits for the disk.
                List<CompletableFuture<Long>> submits = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    byte[] body = ("{\"device\":\"wl-001\",\"event\":\"level-high\",\"i\":" + i + "}")
                            .getBytes(StandardCharsets.UTF_8);
                    submits.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return outbox.submit(ContentType.ALARM, "wl-001", 9, body);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                    awaitAlarms(inbox, i + 1);
                }
                assertTrue(submits.stream().noneMatch(CompletableFuture::isDone), "no append has returned yet");
                assertEquals(0, store.stats().depth(StoreAndForwardQueue.ALARM_PRIORITY), "none is in the store yet");
                assertEquals(3, uplink.alarmsExpressed());

                disk.countDown();
                List<Long> sequences3 = new ArrayList<>();
                for (CompletableFuture<Long> f : submits) {
                    sequences3.add(f.get(30, TimeUnit.SECONDS));
                }
                inbox.await(r -> r.opened().contentType() == ContentType.TELEMETRY, 20, 30, "the telemetry");
                DeliveryTest.awaitEmpty(store);
                Thread.sleep(300); // a copy sent again would arrive now
                List<Received> alarms = inbox.of(ContentType.ALARM);
                assertEquals(sequences3, alarms.stream().map(r -> r.opened().sequence()).toList(),
                        "each alarm once, in sequence order");
                assertEquals(0, inbox.duplicates(), "no stored copy was sent again");
                assertEquals(3, store.stats().delivered() - 20, "the stored copies were deleted by the PUBACKs");
                assertFalse(inbox.refusedOtherThanDuplicates().iterator().hasNext());
            } finally {
                uplink.close();
                commands.close();
            }
        } finally {
            disk.countDown();
        }
    }

    private static void awaitAlarms(Inbox inbox, int n) throws InterruptedException {
        inbox.await(r -> r.opened().contentType() == ContentType.ALARM, n, 30, n + " alarm(s) before any append returned");
    }

    /** The store, except that an alarm's append waits until {@code disk} opens. */
    private static StoreAndForwardQueue alarmAppendsWaitFor(CountDownLatch disk, StoreAndForwardQueue store) {
        return (StoreAndForwardQueue) Proxy.newProxyInstance(StoreAndForwardQueue.class.getClassLoader(),
                new Class<?>[] {StoreAndForwardQueue.class}, (proxy, method, args) -> {
                    if (method.getName().equals("append") && (int) args[1] >= StoreAndForwardQueue.ALARM_PRIORITY) {
                        if (!disk.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never opened the disk");
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
