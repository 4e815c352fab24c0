package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.fail;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;

/**
 * The cloud end of a test: a {@link CloudReceiver} that drops duplicates per sender (and counts them), keeping
 * every accepted message in arrival order.
 */
final class Inbox implements CloudReceiver.Listener, AutoCloseable {
    final List<Received> accepted = new ArrayList<>();
    /** {@link System#currentTimeMillis()} at each accepted message's arrival, index for index with {@link #accepted}. */
    final List<Long> arrivedAt = new ArrayList<>();
    final List<Refused> refused = new ArrayList<>();
    private final CloudReceiver receiver;

    Inbox(String brokerUrl, String clientId, KeyPair cloud, String gatewayId, KeyPair gateway) throws Exception {
        EnvelopeOpener opener = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of(gatewayId, gateway.getPublic()))
                .duplicateFilter(new DuplicateFilter()).build();
        // A persistent session: a broker restarted with its database keeps what arrived while we reconnected.
        receiver = new CloudReceiver(BrokerConnection.of(brokerUrl, "x").persistent(clientId), "tidegate", opener,
                this, 100);
        receiver.start();
        if (!receiver.awaitSubscribed(20, TimeUnit.SECONDS)) {
            fail("test subscriber could not subscribe at " + brokerUrl);
        }
    }

    @Override
    public synchronized void accepted(Received message) {
        accepted.add(message);
        arrivedAt.add(System.currentTimeMillis());
        notifyAll();
    }

    @Override
    public synchronized void refused(Refused message) {
        refused.add(message);
        notifyAll();
    }

    synchronized List<Received> of(ContentType type) {
        return accepted.stream().filter(r -> r.opened().contentType() == type).toList();
    }

    synchronized long duplicates() {
        return refused.stream().filter(r -> r.reason() == EnvelopeException.Reason.DUPLICATE).count();
    }

    synchronized List<Refused> refusedOtherThanDuplicates() {
        return refused.stream().filter(r -> r.reason() != EnvelopeException.Reason.DUPLICATE).toList();
    }

    /** Waits until {@code count} accepted messages match. */
    synchronized void await(Predicate<Received> which, int count, long timeoutSeconds, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            long n = accepted.stream().filter(which).count();
            if (n >= count) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out waiting for " + what + ": " + n + " of " + count + " arrived");
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    boolean connected() {
        return receiver.connected();
    }

    boolean awaitSubscribed(long seconds) throws InterruptedException {
        return receiver.awaitSubscribed(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        receiver.close();
    }
}
