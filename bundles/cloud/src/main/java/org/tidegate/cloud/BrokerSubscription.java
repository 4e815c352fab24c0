package org.tidegate.cloud;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.retry.Backoff;
import org.tinylog.Logger;

/**
 * Keeps one MQTT 5 connection subscribed: connects (the {@link BrokerConnection}'s options), subscribes to the
 * filters at QoS 1, and when the connection is lost connects and subscribes again, forever, with a {@link Backoff}
 * between attempts. Subscribing on every connection matters: a restarted mosquitto (2.0.11) restores persistent
 * sessions but not their shared subscriptions. Used by {@link CloudReceiver} and by the ingest service.
 *
 * <p>Each connection has a number, passed with every message. With {@link Settings#manualAcks} a QoS 1 message is
 * acknowledged only when {@link #ack} is called, and only on the connection that delivered it: after a reconnect the
 * old packet ids mean nothing (or something else) and the broker sends the session's unacknowledged messages again.
 * Without it Paho acknowledges each message when the handler returns.
 */
public final class BrokerSubscription implements AutoCloseable {

    /** Receives every message on Paho's callback thread, one at a time; must not block for long. */
    @ConsumerType
    public interface Handler {
        /** @param connection the number of the connection that delivered it (for {@link #ack}) */
        void message(String topic, MqttMessage message, long connection);
    }

    /**
     * How the subscription behaves.
     *
     * @param name            log prefix ({@code "receiver"}, {@code "ingest"})
     * @param manualAcks      acknowledge only through {@link #ack} (Paho's {@code setManualAcks})
     * @param receiveMaximum  the MQTT 5 Receive Maximum announced (unacknowledged messages the broker may hand over),
     *                        0 for Paho's default
     * @param reconnectMinMs  first delay before connecting again
     * @param reconnectMaxMs  longest delay between attempts
     * @param onNewConnection runs before each new connection is made (the ingest drops what the old one delivered
     *                        and nobody handled yet: it comes again)
     */
    public record Settings(String name, boolean manualAcks, int receiveMaximum, long reconnectMinMs,
                           long reconnectMaxMs, Runnable onNewConnection) {
        public Settings {
            Objects.requireNonNull(name, "name");
            onNewConnection = onNewConnection == null ? () -> { } : onNewConnection;
            if (receiveMaximum < 0 || receiveMaximum > 65_535) {
                throw new IllegalArgumentException("receiveMaximum must be 0 ... 65535, got " + receiveMaximum);
            }
            new Backoff(reconnectMinMs, reconnectMaxMs); // checks the range
        }

        /** Automatic acknowledgements, Paho's Receive Maximum, a fixed reconnect period (with jitter). */
        public static Settings automatic(String name, long reconnectMs) {
            return new Settings(name, false, 0, reconnectMs, reconnectMs, null);
        }
    }

    private final BrokerConnection broker;
    private final List<String> filters;
    private final Settings settings;
    private final Handler handler;
    private final AtomicLong connection = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong ackFailures = new AtomicLong();
    private final Object subscription = new Object();
    private final Object wake = new Object();
    private boolean subscribed;
    private volatile boolean running;
    private volatile MqttAsyncClient client;
    private Thread thread;

    public BrokerSubscription(BrokerConnection broker, List<String> filters, Settings settings, Handler handler) {
        this.broker = Objects.requireNonNull(broker);
        this.filters = List.copyOf(filters);
        this.settings = Objects.requireNonNull(settings);
        this.handler = Objects.requireNonNull(handler);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "tidegate-" + settings.name() + "-mqtt");
        thread.setDaemon(true);
        thread.start();
    }

    /** Connected, with the subscriptions in place. */
    public boolean subscribed() {
        MqttAsyncClient c = client;
        synchronized (subscription) {
            return subscribed && c != null && c.isConnected();
        }
    }

    /** Waits until the subscriptions are in place (on the current connection). */
    public boolean awaitSubscribed(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (subscription) {
            while (!subscribed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                subscription.wait(left);
            }
            return true;
        }
    }

    /** Connections that got as far as subscribing. */
    public long connects() {
        return connects.get();
    }

    /** The number of the current connection (0 before the first). */
    public long connection() {
        return connection.get();
    }

    /** Acknowledgements that could not be sent (the broker redelivers those messages). */
    public long ackFailures() {
        return ackFailures.get();
    }

    /**
     * Acknowledges a message (with {@link Settings#manualAcks}) if the connection that delivered it is still the
     * current one.
     *
     * @return true if a PUBACK was sent (or none was needed: QoS 0)
     */
    public boolean ack(int messageId, int qos, long deliveredOn) {
        if (qos == 0) {
            return true;
        }
        MqttAsyncClient c = client;
        if (c == null || deliveredOn != connection.get()) {
            return false;
        }
        try {
            c.messageArrivedComplete(messageId, qos);
            return true;
        } catch (MqttException | RuntimeException e) {
            if (ackFailures.incrementAndGet() % 1000 == 1) {
                Logger.warn("{}: acknowledgement of message {} failed ({} so far): {}; the broker will redeliver",
                        settings.name(), messageId, ackFailures.get(), e.toString());
            }
            return false;
        }
    }

    private void subscribed(boolean value) {
        synchronized (subscription) {
            subscribed = value;
            subscription.notifyAll();
        }
    }

    private void run() {
        Backoff backoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs());
        String lastProblem = "";
        while (running) {
            MqttAsyncClient c = null;
            try {
                c = new MqttAsyncClient(broker.url(), broker.clientId(), new MemoryPersistence());
                c.setManualAcks(settings.manualAcks());
                long number = connection.incrementAndGet();
                CountDownLatch lost = new CountDownLatch(1);
                c.setCallback(new Callback(number, lost));
                MqttConnectionOptions o = broker.options();
                if (settings.receiveMaximum() > 0) {
                    o.setReceiveMaximum(settings.receiveMaximum());
                }
                settings.onNewConnection().run();
                // before connect: a persistent session's unacknowledged messages may arrive right after the CONNACK
                client = c;
                c.connect(o).waitForCompletion(15_000);
                MqttSubscription[] subs = filters.stream().map(f -> new MqttSubscription(f, 1))
                        .toArray(MqttSubscription[]::new);
                c.subscribe(subs).waitForCompletion(15_000);
                connects.incrementAndGet();
                backoff.reset();
                lastProblem = "";
                Logger.info("{}: connected to {} as {} (connection {}), subscribed to {}", settings.name(), broker.url(),
                        broker.clientId(), number, filters);
                subscribed(true);
                while (running && !lost.await(200, TimeUnit.MILLISECONDS)) {
                    // connected; messages arrive on Paho's thread
                }
            } catch (MqttException e) {
                String problem = e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
                if (!problem.equals(lastProblem)) {
                    Logger.warn("{}: cannot connect to {}: {}; retrying every {}-{} ms", settings.name(), broker.url(),
                            problem, settings.reconnectMinMs(), settings.reconnectMaxMs());
                    lastProblem = problem;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                subscribed(false);
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
            Logger.warn("{}: connection {} to {} lost: {}", settings.name(), number, broker.url(),
                    response.getException() != null ? response.getException().getMessage()
                            : "reason " + response.getReturnCode());
            subscribed(false);
            lost.countDown();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            Logger.warn("{}: MQTT error: {}", settings.name(), exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // never throw into Paho: it would drop the connection
            try {
                handler.message(topic, message, number);
            } catch (RuntimeException | Error e) {
                Logger.error("{}: a message on {} could not be handled{}: {}", settings.name(), topic,
                        settings.manualAcks() ? " (not acknowledged)" : "", e.toString());
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

    /** Disconnects and stops reconnecting; what was not acknowledged comes again to the next session. */
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
