package org.tidegate.ingest.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.core.retry.Backoff;
import org.tinylog.Logger;

/**
 * The MQTT side of the ingest: a persistent MQTT 5 session under the instance's stable client id, the shared
 * subscriptions at QoS 1, <em>manual acknowledgements</em> (Paho's {@code setManualAcks}: a PUBACK goes out only when
 * {@link #ack} is called, after the transaction that stored the message committed) and the Receive Maximum, which
 * bounds what the broker hands over unacknowledged. Reconnects by itself with back-off, forever.
 *
 * <p>Each connection has a number. A message is acknowledged only on the connection that delivered it: after a
 * reconnect the packet ids of the old connection mean nothing (or something else), and the broker sends the
 * unacknowledged messages of the session again (redeliveries, which the database finds to be repeats).
 */
final class MqttSource implements AutoCloseable {
    static final long RECONNECT_MIN_MS = 100;
    static final long RECONNECT_MAX_MS = 250;
    private final BrokerConnection broker;
    private final List<String> filters;
    private final int receiveMaximum;
    private final Consumer<Inbound> sink;
    private final Runnable onNewConnection;
    private final AtomicLong connection = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong ackFailures = new AtomicLong();
    private volatile boolean running;
    private volatile MqttAsyncClient client;
    private volatile boolean subscribed;
    private Thread thread;
    private final Object wake = new Object();

    /**
     * @param sink            receives every message on Paho's callback thread; must not block for long
     * @param onNewConnection runs before a new connection subscribes (the service drops what the old one delivered
     *                        and was not yet written: it will come again)
     */
    MqttSource(BrokerConnection broker, List<String> filters, int receiveMaximum, Consumer<Inbound> sink,
               Runnable onNewConnection) {
        this.broker = Objects.requireNonNull(broker);
        this.filters = List.copyOf(filters);
        this.receiveMaximum = receiveMaximum;
        this.sink = Objects.requireNonNull(sink);
        this.onNewConnection = Objects.requireNonNull(onNewConnection);
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "ingest-mqtt");
        thread.setDaemon(true);
        thread.start();
    }

    boolean subscribed() {
        MqttAsyncClient c = client;
        return subscribed && c != null && c.isConnected();
    }

    long connects() {
        return connects.get();
    }

    long ackFailures() {
        return ackFailures.get();
    }

    /** The number of the current connection (0 before the first). */
    long connection() {
        return connection.get();
    }

    /**
     * Acknowledges {@code in} if the connection that delivered it is still the current one.
     *
     * @return true if a PUBACK was sent (or none was needed)
     */
    boolean ack(Inbound in) {
        if (in.qos() == 0) {
            return true;
        }
        MqttAsyncClient c = client;
        if (c == null || in.connection() != connection.get()) {
            return false;
        }
        try {
            c.messageArrivedComplete(in.messageId(), in.qos());
            return true;
        } catch (MqttException | RuntimeException e) {
            if (ackFailures.incrementAndGet() % 1000 == 1) {
                Logger.warn("ingest: acknowledgement of message {} failed ({} so far): {}; the broker will redeliver",
                        in.messageId(), ackFailures.get(), e.toString());
            }
            return false;
        }
    }

    private void run() {
        // Short on purpose: a restarted mosquitto (2.0.11) restores persistent sessions but not their shared
        // subscriptions, and whatever gateways publish before we subscribe again has no subscriber and is dropped.
        // A few cloud processes retrying every 50-250 ms cost nothing; gateways back off from 1 s with jitter.
        Backoff backoff = new Backoff(RECONNECT_MIN_MS, RECONNECT_MAX_MS);
        String lastProblem = "";
        while (running) {
            MqttAsyncClient c = null;
            try {
                c = new MqttAsyncClient(broker.url(), broker.clientId(), new MemoryPersistence());
                c.setManualAcks(true);
                long number = connection.incrementAndGet();
                CountDownLatch lost = new CountDownLatch(1);
                c.setCallback(new Callback(number, lost));
                MqttConnectionOptions o = broker.options();
                o.setReceiveMaximum(receiveMaximum);
                onNewConnection.run();
                // before connect: the session's unacknowledged messages may arrive right after the CONNACK
                client = c;
                c.connect(o).waitForCompletion(15_000);
                MqttSubscription[] subs = filters.stream().map(f -> new MqttSubscription(f, 1))
                        .toArray(MqttSubscription[]::new);
                c.subscribe(subs).waitForCompletion(15_000);
                subscribed = true;
                connects.incrementAndGet();
                backoff.reset();
                lastProblem = "";
                Logger.info("ingest: connected to {} as {} (connection {}), subscribed to {}", broker.url(),
                        broker.clientId(), number, filters);
                while (running && !lost.await(200, TimeUnit.MILLISECONDS)) {
                    // connected; messages arrive on Paho's thread
                }
            } catch (MqttException e) {
                String problem = e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
                if (!problem.equals(lastProblem)) {
                    Logger.warn("ingest: cannot connect to {}: {}; retrying with back-off", broker.url(), problem);
                    lastProblem = problem;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                subscribed = false;
                client = null;
                if (c != null) {
                    close(c);
                }
            }
            synchronized (wake) {
                if (running) {
                    try {
                        wake.wait(backoff.nextDelayMs());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    private final class Callback implements MqttCallback {
        private final long number;
        private final CountDownLatch lost;

        Callback(long number, CountDownLatch lost) {
            this.number = number;
            this.lost = lost;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            Logger.warn("ingest: connection {} to {} lost: {}", number, broker.url(), response.getException() != null
                    ? response.getException().getMessage() : "reason " + response.getReturnCode());
            subscribed = false;
            lost.countDown();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            Logger.warn("ingest: MQTT error: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // never throw into Paho: it would drop the connection
            try {
                sink.accept(new Inbound(topic, message.getPayload(), message.getId(), message.getQos(), number,
                        System.nanoTime()));
            } catch (RuntimeException e) {
                Logger.error(e, "ingest: a message on {} could not be queued; it is not acknowledged", topic);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    private static void close(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException ignored) {
            // gone already
        }
        try {
            c.close(true);
        } catch (MqttException ignored) {
            // closed
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
