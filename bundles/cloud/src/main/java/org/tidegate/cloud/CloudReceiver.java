package org.tidegate.cloud;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tidegate.crypto.Envelope;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeHeader;
import org.tidegate.crypto.EnvelopeOpener;
import org.tinylog.Logger;

/**
 * Receives what gateways publish: subscribes to {@code {prefix}/+/telemetry/+}, {@code alarm/+}, {@code status}
 * and {@code reply} at QoS 1, opens every envelope with the crypto bundle's {@link EnvelopeOpener} (give it a
 * {@link org.tidegate.crypto.DuplicateFilter} to drop repeats per sender) and reports each message to the
 * {@link Listener}, accepted or refused. Each frame must fit its topic ({@link RouteCheck}; otherwise refused as
 * {@code TOPIC_MISMATCH}). Reconnects by itself, quickly, and subscribes again each time. MQTT 5, with the
 * connection's Maximum Packet Size announced ({@link BrokerConnection#maxPacketBytes()}).
 */
public final class CloudReceiver implements AutoCloseable {

    /** Called on the MQTT client's thread, one message at a time. */
    public interface Listener {
        void accepted(Received message);

        void refused(Refused message);
    }

    private final BrokerConnection broker;
    private final String prefix;
    private final EnvelopeOpener opener;
    private final Listener listener;
    private final RouteCheck route;
    private final long reconnectMs;
    private volatile boolean running;
    private final Object subscription = new Object();
    private boolean subscribed;
    private volatile MqttAsyncClient client;
    private Thread thread;
    private final Object wake = new Object();

    public CloudReceiver(BrokerConnection broker, String prefix, EnvelopeOpener opener, Listener listener,
                         long reconnectMs) {
        this.broker = Objects.requireNonNull(broker);
        this.prefix = prefix == null || prefix.isEmpty() ? "tidegate" : prefix;
        this.opener = Objects.requireNonNull(opener);
        this.listener = Objects.requireNonNull(listener);
        this.route = new RouteCheck(this.prefix);
        this.reconnectMs = Math.max(10, reconnectMs);
    }

    public List<String> topicFilters() {
        return List.of(prefix + "/+/telemetry/+", prefix + "/+/alarm/+", prefix + "/+/status", prefix + "/+/reply");
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "tidegate-cloud-receiver");
        thread.setDaemon(true);
        thread.start();
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

    private void subscribed(boolean value) {
        synchronized (subscription) {
            subscribed = value;
            subscription.notifyAll();
        }
    }

    public boolean connected() {
        MqttAsyncClient c = client;
        synchronized (subscription) {
            return c != null && c.isConnected() && subscribed;
        }
    }

    private void run() {
        String lastProblem = "";
        while (running) {
            MqttAsyncClient c = null;
            try {
                c = new MqttAsyncClient(broker.url(), broker.clientId(), new MemoryPersistence());
                CountDownLatch lost = new CountDownLatch(1);
                c.setCallback(new MqttCallback() {
                    @Override
                    public void disconnected(MqttDisconnectResponse response) {
                        Logger.warn("receiver: connection to {} lost: {}", broker.url(), response.getException() != null
                                ? response.getException().getMessage() : "reason " + response.getReturnCode());
                        subscribed(false);
                        lost.countDown();
                    }

                    @Override
                    public void mqttErrorOccurred(MqttException exception) {
                        Logger.warn("receiver: MQTT error: {}", exception.getMessage());
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        try {
                            handle(topic, message.getPayload());
                        } catch (Throwable t) {
                            // never into Paho: the frame is acknowledged and not redelivered forever
                            Logger.error("receiver: a frame on {} could not be handled: {}", topic, t.toString());
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
                });
                c.connect(broker.options()).waitForCompletion(15_000);
                List<String> filters = topicFilters();
                MqttSubscription[] subs = filters.stream().map(f -> new MqttSubscription(f, 1))
                        .toArray(MqttSubscription[]::new);
                c.subscribe(subs).waitForCompletion(15_000);
                client = c;
                lastProblem = "";
                Logger.info("receiver: connected to {} as {}, subscribed to {}", broker.url(), broker.clientId(), filters);
                subscribed(true);
                while (running && !lost.await(200, TimeUnit.MILLISECONDS)) {
                    // connected
                }
            } catch (MqttException e) {
                String problem = e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
                if (!problem.equals(lastProblem)) {
                    Logger.warn("receiver: cannot connect to {}: {}; retrying every {} ms", broker.url(), problem,
                            reconnectMs);
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
                        wake.wait(reconnectMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Opens one frame and reports it; public so that other transports (and tests) can feed frames in. */
    public void handle(String topic, byte[] frame) {
        try {
            var opened = opener.open(frame, route.forTopic(topic));
            listener.accepted(new Received(topic, opened, BodyReader.read(opened.body())));
        } catch (EnvelopeException e) {
            String sender = e.sender() == null ? "" : e.sender();
            long seq = -1;
            try {
                EnvelopeHeader h = Envelope.peek(frame);
                seq = h.sequence();
                if (sender.isEmpty()) {
                    sender = h.sender();
                }
            } catch (EnvelopeException unreadable) {
                // header itself is bad
            }
            listener.refused(new Refused(topic, e.reason(), sender, seq, e.getMessage()));
        } catch (RuntimeException e) {
            Logger.error(e, "receiver: listener failed on a message from {}", topic);
        }
    }

    private static void close(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException ignored) {
            // gone
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
