package org.tidegate.cloud;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
 * {@code TOPIC_MISMATCH}). Reconnects by itself, quickly, and subscribes again each time ({@link BrokerSubscription},
 * shared with the ingest service). MQTT 5, with the connection's Maximum Packet Size announced
 * ({@link BrokerConnection#maxPacketBytes()}).
 */
public final class CloudReceiver implements AutoCloseable {

    /** Called on the MQTT client's thread, one message at a time. */
    public interface Listener {
        void accepted(Received message);

        void refused(Refused message);
    }

    private final String prefix;
    private final EnvelopeOpener opener;
    private final Listener listener;
    private final RouteCheck route;
    private final BrokerSubscription subscription;

    /** @param reconnectMs the period of reconnect attempts (jittered between half of it and all of it) */
    public CloudReceiver(BrokerConnection broker, String prefix, EnvelopeOpener opener, Listener listener,
                         long reconnectMs) {
        this.prefix = prefix == null || prefix.isEmpty() ? "tidegate" : prefix;
        this.opener = Objects.requireNonNull(opener);
        this.listener = Objects.requireNonNull(listener);
        this.route = new RouteCheck(this.prefix);
        this.subscription = new BrokerSubscription(Objects.requireNonNull(broker), topicFilters(),
                BrokerSubscription.Settings.automatic("receiver", Math.max(10, reconnectMs)),
                (topic, message, connection) -> handle(topic, message.getPayload()));
    }

    public List<String> topicFilters() {
        return List.of(prefix + "/+/telemetry/+", prefix + "/+/alarm/+", prefix + "/+/status", prefix + "/+/reply");
    }

    public void start() {
        subscription.start();
    }

    /** Waits until the subscriptions are in place (on the current connection). */
    public boolean awaitSubscribed(long timeout, TimeUnit unit) throws InterruptedException {
        return subscription.awaitSubscribed(timeout, unit);
    }

    public boolean connected() {
        return subscription.subscribed();
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

    @Override
    public void close() {
        subscription.close();
    }
}
