package org.tidegate.uplink.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.tidegate.core.retry.Backoff;
import org.tidegate.crypto.ContentType;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Priority;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.outbox.Topics;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;
import org.tinylog.Logger;

/**
 * The MQTT session between the store-and-forward queue and the broker (Paho MQTT 3.1.1, asynchronous client).
 *
 * <p>One thread owns the session: it connects (client id = gateway id, a sealed retained {@code offline} status
 * as the will), publishes the sealed retained {@code online} status, subscribes to the command topic, then drains
 * the queue — highest priority first, oldest first — at QoS 1 within an in-flight window and an optional rate
 * limit. A message is deleted from the store only when its PUBACK arrives; when the connection is lost, every
 * message still in flight goes back to the queue and is sent again after the reconnect. Reconnects back off
 * exponentially with jitter, capped, forever; refusals that will not cure themselves are retried at the cap.
 *
 * <p>Paho's own persistence is a {@link MemoryPersistence} that is thrown away with each connection: the store
 * is the persistence, and a fresh client per connection means Paho never re-sends anything by itself.
 */
public final class MqttUplink implements AutoCloseable {
    /**
     * Birth, will and shutdown status: sealed by the outbox (numbered from the same counter) but never stored —
     * they belong to one connection (the will must be in the CONNECT packet; a birth re-sent after a later
     * reconnect would report a state that no longer holds), so each connection seals its own.
     */
    private static final int STATUS_PRIORITY = Priority.STATUS.value();
    /** Extra Paho in-flight slots beyond the data window, for the birth and offline status messages. */
    private static final int CONTROL_SLOTS = 4;
    private static final long POLL_MS = 50;

    private final UplinkOptions options;
    private final StoreAndForwardQueue queue;
    private final Outbox outbox;
    private final StatusReport status;
    private final Consumer<byte[]> commands;
    private final Topics topics;
    private final ExecutorService commandThread;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile LongConsumer ackListener = seq -> { };
    private volatile String lastError = "";
    private volatile boolean running;
    private volatile Session current;
    private final Object wake = new Object();
    private Thread thread;

    /**
     * @param commands receives the raw frame of every message on the command topic, on a thread of its own
     */
    public MqttUplink(UplinkOptions options, StoreAndForwardQueue queue, Outbox outbox, StatusReport status,
                      Consumer<byte[]> commands) {
        this.options = Objects.requireNonNull(options);
        this.queue = Objects.requireNonNull(queue);
        this.outbox = Objects.requireNonNull(outbox);
        this.status = Objects.requireNonNull(status);
        this.commands = commands == null ? frame -> { } : commands;
        this.topics = options.topics();
        this.commandThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tidegate-uplink-commands");
            t.setDaemon(true);
            return t;
        });
    }

    /** Called with the envelope sequence number of every message the broker acknowledged (benchmarks, tests). */
    public void onAcknowledged(LongConsumer listener) {
        this.ackListener = listener == null ? seq -> { } : listener;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        if (!options.tls()) {
            Logger.warn("uplink: broker {} is plain tcp:// (no TLS): for the lab only", options.brokerUrl());
        }
        running = true;
        thread = new Thread(this::run, "tidegate-uplink");
        thread.setDaemon(true);
        thread.start();
    }

    public UplinkState state() {
        Session s = current;
        return new UplinkState(s != null && !s.lost, connects.get(), failures.get(), published.get(),
                acknowledged.get(), lastError);
    }

    public UplinkOptions options() {
        return options;
    }

    /**
     * Publishes a sealed {@code offline} status (retained), disconnects cleanly (so the broker does not send the
     * will) and returns what is still in flight to the queue.
     */
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
            t.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commandThread.shutdownNow();
    }

    private void run() {
        Backoff backoff = new Backoff(options.reconnectMinMs(), options.reconnectMaxMs());
        SSLSocketFactory tls = null;
        while (running) {
            Session s = null;
            long delay;
            try {
                if (options.tls() && tls == null) {
                    tls = TlsContexts.socketFactory(options.caFile(), options.certFile(), options.keyFile());
                }
                s = connect(tls);
                current = s;
                long connectedAt = System.nanoTime();
                serve(s);
                if (System.nanoTime() - connectedAt > TimeUnit.SECONDS.toNanos(10)) {
                    backoff.reset();
                }
                delay = backoff.nextDelayMs();
            } catch (Exception e) {
                failures.incrementAndGet();
                ConnectFailure f;
                if (e instanceof java.security.GeneralSecurityException || e instanceof java.io.IOException) {
                    f = new ConnectFailure(true, "TLS set-up from caFile=" + options.caFile() + " certFile="
                            + options.certFile() + " keyFile=" + options.keyFile() + " failed: " + e.getMessage());
                } else if (e instanceof StoreException) {
                    f = new ConnectFailure(false, "cannot number the status message: " + e.getMessage());
                } else {
                    f = ConnectFailure.classify(e, options);
                }
                delay = f.slow() ? backoff.slowDelayMs() : backoff.nextDelayMs();
                lastError = f.message();
                if (f.slow()) {
                    Logger.error("uplink: {}; retrying in {} s", f.message(), delay / 1000);
                } else {
                    Logger.warn("uplink: {}; attempt {}, retrying in {} ms", f.message(), backoff.failures(), delay);
                }
            } finally {
                if (s != null) {
                    teardown(s);
                }
                current = null;
            }
            sleep(delay);
        }
        Logger.info("uplink stopped: published={} acknowledged={}", published.get(), acknowledged.get());
    }

    private Session connect(SSLSocketFactory tls) throws MqttException, StoreException {
        MqttAsyncClient client = new MqttAsyncClient(options.brokerUrl(), options.gatewayId(), new MemoryPersistence());
        Session s = new Session(client);
        client.setCallback(s);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // A persistent session keeps commands sent while the gateway is away; our own publishes never rely on it.
        o.setCleanSession(false);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(options.keepAliveSeconds());
        o.setConnectionTimeout(15);
        o.setMaxInflight(options.inflight() + CONTROL_SLOTS);
        if (!options.username().isEmpty()) {
            o.setUserName(options.username());
        }
        if (!options.password().isEmpty()) {
            o.setPassword(options.password().toCharArray());
        }
        if (tls != null) {
            o.setSocketFactory(tls);
            o.setHttpsHostnameVerificationEnabled(true);
        }
        SealedMessage will = outbox.seal(ContentType.STATUS, null, STATUS_PRIORITY, status.offline("connection lost"));
        o.setWill(topics.status(), will.frame(), 1, true);
        try {
            client.connect(o).waitForCompletion(30_000);
        } catch (MqttException e) {
            closeQuietly(client);
            throw e;
        }
        try {
            announce(client);
        } catch (MqttException | StoreException | RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
        return s;
    }

    /** Birth message and command subscription, right after CONNACK. */
    private void announce(MqttAsyncClient client) throws MqttException, StoreException {
        long n = connects.incrementAndGet();
        QueueStats stats = queue.stats();
        Logger.info("uplink: connected to {} as {} (connect #{}); backlog {} messages, {} bytes, oldest {} s",
                options.brokerUrl(), options.gatewayId(), n, stats.messages(), stats.bytes(),
                stats.oldestAgeMillis() / 1000);
        SealedMessage birth = outbox.seal(ContentType.STATUS, null, STATUS_PRIORITY,
                status.online(options.brokerUrl(), n));
        client.publish(topics.status(), birth.frame(), 1, true);
        IMqttToken sub = client.subscribe(topics.command(), 1);
        sub.waitForCompletion(15_000);
        int[] granted = sub.getGrantedQos();
        if (granted != null && granted.length > 0 && granted[0] == 0x80) {
            Logger.error("uplink: broker refused the subscription to {}: commands will not arrive", topics.command());
        }
    }

    /** Drains the queue until the connection is lost or the uplink is closed. */
    private void serve(Session s) throws InterruptedException {
        RateLimiter limiter = new RateLimiter(options.rateLimitPerSecond(),
                (int) Math.max(1, Math.min(options.inflight(), Math.ceil(options.rateLimitPerSecond() / 10))));
        DrainProgress progress = new DrainProgress(options.progressLogMs(), options.inflight());
        progress.begin(queue.stats().messages());
        while (running && !s.lost) {
            flushAcks(s);
            progress.tick(queue, acknowledged.get());
            if (!s.window.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS)) {
                continue;
            }
            int n = 1 + s.window.drainPermits();
            int granted = limiter.acquireUpTo(n, POLL_MS);
            if (granted < n) {
                s.window.release(n - granted);
                n = granted;
                if (n == 0) {
                    continue;
                }
            }
            List<StoredMessage> batch = queue.takeBatch(n);
            if (batch.size() < n) {
                s.window.release(n - batch.size());
                limiter.giveBack(n - batch.size());
            }
            if (batch.isEmpty()) {
                flushAcks(s);
                queue.awaitAvailable(POLL_MS * 2);
                continue;
            }
            for (StoredMessage m : batch) {
                if (s.lost) {
                    s.window.release(); // stays in flight in the store; released at teardown
                    continue;
                }
                try {
                    s.client.publish(m.topic(), m.payload(), 1, false, m, s);
                    published.incrementAndGet();
                } catch (MqttException e) {
                    s.window.release();
                    s.lose(e);
                }
            }
        }
        flushAcks(s);
        if (s.lost) {
            String why = s.cause == null ? "unknown cause" : String.valueOf(s.cause.getMessage())
                    + (s.cause.getCause() != null ? " (" + s.cause.getCause() + ")" : "");
            lastError = "connection to " + options.brokerUrl() + " lost: " + why;
            Logger.warn("uplink: {}", lastError);
        } else {
            goodbye(s);
        }
    }

    /** Orderly shutdown: the offline status replaces the retained online one, then a clean DISCONNECT. */
    private void goodbye(Session s) {
        try {
            SealedMessage bye = outbox.seal(ContentType.STATUS, null, STATUS_PRIORITY, status.offline("shutdown"));
            s.client.publish(topics.status(), bye.frame(), 1, true).waitForCompletion(5_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (s.window.availablePermits() < options.inflight() && System.nanoTime() < deadline) {
                Thread.sleep(20); // let outstanding PUBACKs arrive so fewer messages are sent twice
            }
            flushAcks(s);
            s.client.disconnect(2_000).waitForCompletion(3_000);
            Logger.info("uplink: disconnected from {}", options.brokerUrl());
        } catch (MqttException | StoreException e) {
            Logger.warn("uplink: orderly disconnect failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void teardown(Session s) {
        s.lost = true;
        closeQuietly(s.client);
        flushAcks(s);
        int released = queue.releaseInFlight();
        if (released > 0) {
            Logger.info("uplink: {} unacknowledged messages returned to the queue", released);
        }
    }

    private void flushAcks(Session s) {
        if (s.acks.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        Long id;
        while ((id = s.acks.poll()) != null) {
            ids.add(id);
        }
        queue.acknowledge(ids);
    }

    private static void closeQuietly(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1_000, false);
            }
        } catch (MqttException ignored) {
            // already gone
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // already closed
        }
    }

    private void sleep(long ms) {
        long deadline = System.currentTimeMillis() + ms;
        synchronized (wake) {
            while (running) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return;
                }
                try {
                    wake.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One connection: its client, its window of unacknowledged publishes and the acks not yet applied. */
    private final class Session implements MqttCallbackExtended, IMqttActionListener {
        final MqttAsyncClient client;
        final Semaphore window = new Semaphore(options.inflight());
        final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        volatile boolean lost;
        volatile Throwable cause;

        Session(MqttAsyncClient client) {
            this.client = client;
        }

        void lose(Throwable why) {
            if (!lost) {
                cause = why;
                lost = true;
            }
        }

        @Override
        public void connectionLost(Throwable why) {
            lose(why);
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // connect() waits for completion itself
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (!topic.equals(topics.command())) {
                Logger.debug("uplink: ignoring message on {}", topic);
                return;
            }
            byte[] frame = message.getPayload();
            try {
                commandThread.execute(() -> {
                    try {
                        commands.accept(frame);
                    } catch (RuntimeException e) {
                        Logger.error(e, "uplink: command handling failed");
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                Logger.debug("uplink: closing, command dropped");
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // data messages complete through onSuccess below
        }

        /** PUBACK for a data message. */
        @Override
        public void onSuccess(IMqttToken token) {
            if (token.getUserContext() instanceof StoredMessage m) {
                acks.add(m.id());
                acknowledged.incrementAndGet();
                window.release();
                ackListener.accept(m.sequence());
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            if (token.getUserContext() instanceof StoredMessage) {
                window.release();
                lose(exception);
            }
        }
    }

    /** The drain's progress lines: how many are left, the rate, and the estimated time to empty the backlog. */
    private static final class DrainProgress {
        private final long intervalMs;
        private final int window;
        private long backlogAtStart;
        private long startedAt;
        private long lastAt;
        private long lastAcked = -1;
        private boolean reported;

        DrainProgress(long intervalMs, int window) {
            this.intervalMs = intervalMs;
            this.window = window;
        }

        void begin(long backlog) {
            backlogAtStart = backlog;
            startedAt = lastAt = System.currentTimeMillis();
            if (backlog > window) {
                Logger.info("uplink: draining a backlog of {} messages", backlog);
            }
        }

        void tick(StoreAndForwardQueue queue, long ackedTotal) {
            long now = System.currentTimeMillis();
            if (lastAcked < 0) {
                lastAcked = ackedTotal;
            }
            if (now - lastAt < intervalMs) {
                return;
            }
            long sent = ackedTotal - lastAcked;
            double rate = sent * 1000.0 / Math.max(1, now - lastAt);
            QueueStats s = queue.stats();
            // Live traffic keeps a few messages queued all the time: only a backlog beyond the window is news.
            if (s.messages() > window) {
                String eta = rate > 0 ? String.format(Locale.ROOT, "%.0f s", s.messages() / rate) : "unknown";
                Logger.info("uplink: drain: {} left ({} in flight, {} alarms), {} msg/s, eta {}", s.messages(),
                        s.inFlight(), s.depth(Priority.ALARM.value()),
                        String.format(Locale.ROOT, "%.1f", rate), eta);
                reported = true;
            } else if (s.messages() == 0 && reported) {
                Logger.info("uplink: drain: backlog cleared in {} s", (now - startedAt) / 1000);
                reported = false;
                backlogAtStart = 0;
            }
            lastAt = now;
            lastAcked = ackedTotal;
        }
    }
}
