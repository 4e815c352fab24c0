package org.tidegate.uplink.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
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
 * The MQTT session between the store-and-forward queue and the broker (Paho MQTT 5, asynchronous client).
 *
 * <p>One thread owns the session: it connects (client id = gateway id, a sealed retained {@code offline} status
 * as the will, a Maximum Packet Size announced), publishes the sealed retained {@code online} status, subscribes
 * to the command topic, then drains the queue — highest priority first, oldest first — at QoS 1 within an
 * in-flight window and an optional rate limit, plus {@value #ALARM_SLOTS} in-flight slots that only alarms use, so an
 * alarm committed during a drain is published at once instead of after the next PUBACK. A message is deleted from the store only when its PUBACK arrives;
 * when the connection is lost, every message still in flight goes back to the queue and is sent again after the
 * reconnect. Reconnects back off exponentially with jitter, capped, forever; refusals that will not cure themselves
 * are retried at the cap; while alarms wait, the delay is capped at {@code alarmReconnectMs} and a TCP probe
 * decides when to try.
 *
 * <p>Never wedged: a Paho thread that ends with an exception or an Error, a PUBACK that does not come within the
 * ack timeout, and a broker that refuses a message all end the connection, which is then rebuilt. A command frame
 * that cannot be handled (too large, or its hand-off fails) is acknowledged and counted, never redelivered forever.
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
    private static final long POLL_MS = 50;
    /** Persistent session: the broker keeps commands for a gateway that is away up to this long (one week). */
    private static final long SESSION_EXPIRY_SECONDS = 7L * 24 * 3600;
    /** Paho's threads per connection: connect, receiver, sender, callback, pinger, disconnect. */
    private static final int PAHO_THREADS = 6;
    /** Routine publishes between two looks for a waiting alarm (see {@link #publish}). */
    private static final int ALARM_CHECK_EVERY = 8;

    /**
     * In-flight slots kept for alarms on top of the routine window: an alarm committed while the backlog fills
     * the window is published at once, without waiting for a PUBACK to free a slot, and then waits only for what
     * is already on the wire ahead of it (the broker answers in order). At most a quarter of what the broker's
     * Receive Maximum leaves; more alarms than slots still go first through the routine window (the store hands
     * out the highest priority first).
     */
    static final int ALARM_SLOTS = 8;

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
    /** Wall-clock time of the last PUBACK, Unix ms (0: none yet): the console's "last PUBACK". */
    private final AtomicLong lastAckAt = new AtomicLong();
    private final AtomicLong framesDropped = new AtomicLong();
    private final AtomicLong oversizedFrames = new AtomicLong();
    private final AtomicLong watchdogTrips = new AtomicLong();
    private final LogLimiter dropLog = new LogLimiter(10_000);
    private volatile LongConsumer ackListener = seq -> { };
    private volatile String lastError = "";
    private volatile boolean running;
    private volatile Session current;
    private final Object wake = new Object();
    /** Rung by PUBACKs and by the store when messages become pending: the drain loop's one wake-up. */
    private final Object bell = new Object();
    private boolean rung; // guarded by bell
    private final Runnable ringBell = this::ring;
    /**
     * Alarms are also published by a thread of their own, {@code tidegate-uplink-alarms}, woken by the store the
     * moment an alarm's commit returns. The drain keeps the uplink thread busy, and a busy thread on a board whose
     * cores are saturated waits 10-20 ms for its next turn; one that sleeps until an alarm comes is run at once.
     * It publishes only into {@link #alarmSession}, which {@link #teardown} clears (under {@link #alarmLock})
     * before returning what is in flight to the store, so no alarm is taken into a session that is going away.
     * It takes and publishes under that lock, and the uplink thread takes its routine window under it too, so
     * an alarm it took is never published after routine messages taken after it.
     */
    private final Object alarmLock = new Object();
    private Session alarmSession; // guarded by alarmLock
    private final Object alarmBell = new Object();
    private boolean alarmRung; // guarded by alarmBell
    private final Runnable alarmListener = this::ringAlarmBell;
    /** Alarms handed over by the outbox as they are sealed, published by the alarm thread before their commit. */
    private final ExpressAlarms express = new ExpressAlarms();
    private Thread alarmThread;
    private final AtomicLong alarmThreadFailures = new AtomicLong();
    /** Beaten on every turn of the uplink thread's loops (the service watchdog's view of it). */
    private volatile org.tidegate.core.health.Heartbeat heartbeat = org.tidegate.core.health.Heartbeat.NONE;
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

    /** Reports the uplink thread's progress to {@code heartbeat}; call before {@link #start()}. */
    public void heartbeat(org.tidegate.core.health.Heartbeat heartbeat) {
        this.heartbeat = Objects.requireNonNull(heartbeat);
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
        queue.addPendingListener(alarmListener);
        express.storePathUpTo(outbox.expressAlarms(this::alarmSealed));
        alarmThread = new Thread(this::publishAlarmsAsTheyCome, "tidegate-uplink-alarms");
        alarmThread.setDaemon(true);
        alarmThread.start();
    }

    public UplinkState state() {
        Session s = current;
        return new UplinkState(s != null && !s.lost, connects.get(), failures.get(), published.get(),
                acknowledged.get(), lastError, framesDropped.get(), watchdogTrips.get(),
                alarmThreadFailures.get());
    }

    /** When the broker last acknowledged a message (PUBACK), Unix ms; 0 if never since start. */
    public long lastAckAt() {
        return lastAckAt.get();
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
        ring();
        synchronized (alarmBell) {
            alarmBell.notifyAll();
        }
        try {
            t.join(15_000);
            alarmThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.removePendingListener(alarmListener);
        outbox.expressAlarms(null);
        commandThread.shutdownNow();
    }

    private void run() {
        Backoff backoff = new Backoff(options.reconnectMinMs(), options.reconnectMaxMs());
        SSLSocketFactory tls = null;
        while (running) {
            heartbeat.beat();
            Session s = null;
            long delay;
            boolean slow = false;
            try {
                if (options.tls() && tls == null) {
                    tls = TlsContexts.socketFactory(options.caFile(), options.certFile(), options.keyFile());
                }
                s = connect(tls);
                current = s;
                synchronized (alarmLock) {
                    alarmSession = s;
                }
                long connectedAt = System.nanoTime();
                serve(s);
                if (System.nanoTime() - connectedAt > TimeUnit.SECONDS.toNanos(10)) {
                    backoff.reset();
                }
                slow = s.refusedByBroker;
                delay = slow ? backoff.slowDelayMs() : backoff.nextDelayMs();
            } catch (Exception e) {
                ConnectFailure f;
                if (e instanceof java.security.GeneralSecurityException || e instanceof java.io.IOException) {
                    f = new ConnectFailure(true, "TLS set-up from caFile=" + options.caFile() + " certFile="
                            + options.certFile() + " keyFile=" + options.keyFile() + " failed: " + e.getMessage());
                } else if (e instanceof StoreException) {
                    f = new ConnectFailure(false, "cannot number the status message: " + e.getMessage());
                } else {
                    f = ConnectFailure.classify(e, options);
                }
                slow = f.slow();
                delay = slow ? backoff.slowDelayMs() : backoff.nextDelayMs();
                lastError = f.message();
                failures.incrementAndGet(); // after lastError: whoever sees the count sees its cause
                if (slow) {
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
            pause(delay, backoff, slow);
        }
        Logger.info("uplink stopped: published={} acknowledged={}", published.get(), acknowledged.get());
    }

    /**
     * Waits {@code delay} before the next attempt — unless alarms wait in the queue and the failure was a passing
     * one: then, from the alarm step on ({@link Backoff#delayMs(int, long)} capped at {@code alarmReconnectMs}),
     * a plain TCP connect to the broker's port is tried each alarm step (cheap for a broker that is down: a refused
     * SYN), and the next attempt starts as soon as it succeeds. Refusals (credentials, certificates) are never
     * hurried: the broker is up and would only refuse again.
     */
    private void pause(long delay, Backoff backoff, boolean slow) {
        long start = System.nanoTime();
        long urgentAt = slow ? Long.MAX_VALUE : backoff.delayMs(Math.max(1, backoff.failures()), options.alarmReconnectMs());
        boolean announced = false;
        while (running) {
            heartbeat.beat();
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed >= delay) {
                return;
            }
            if (elapsed >= urgentAt) {
                if (alarmsWaiting()) {
                    if (!announced && delay > options.alarmReconnectMs()) {
                        Logger.info("uplink: alarms are waiting: probing {} every {} ms or less instead of waiting {} ms",
                                options.brokerUrl(), options.alarmReconnectMs(), delay);
                        announced = true;
                    }
                    if (probe()) {
                        return;
                    }
                }
                urgentAt = elapsed + backoff.delayMs(Math.max(1, backoff.failures()), options.alarmReconnectMs());
            }
            sleep(Math.min(250, Math.min(delay, urgentAt) - elapsed));
        }
    }

    private boolean alarmsWaiting() {
        try {
            return queue.stats().depth(Priority.ALARM.value()) > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True if the broker's TCP port accepts a connection (closed at once; no TLS, no MQTT). */
    private boolean probe() {
        try {
            URI u = URI.create(options.brokerUrl());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(u.getHost(), u.getPort()), 2_000);
                return true;
            }
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private Session connect(SSLSocketFactory tls) throws MqttException, StoreException {
        Session s = new Session();
        MqttAsyncClient client = new MqttAsyncClient(options.brokerUrl(), options.gatewayId(), new MemoryPersistence(),
                null, s.executor);
        s.client = client;
        client.setCallback(s);
        MqttConnectionOptions o = new MqttConnectionOptions();
        // A persistent session keeps commands sent while the gateway is away; our own publishes never rely on it.
        o.setCleanStart(false);
        o.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(options.keepAliveSeconds());
        o.setConnectionTimeout(15);
        // Bounded input: a compliant broker never sends a larger packet (MQTT 5, 3.1.2.11.4); FrameLimit holds the
        // line below Paho for one that does.
        o.setMaximumPacketSize(options.maxPacketBytes());
        o.setReceiveMaximum(16); // commands in flight towards us
        o.setTopicAliasMaximum(0);
        if (!options.username().isEmpty()) {
            o.setUserName(options.username());
        }
        if (!options.password().isEmpty()) {
            o.setPassword(options.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        o.setSocketFactory(FrameLimit.factory(tls, options.maxPacketBytes(), oversizedFrames));
        if (tls != null) {
            o.setHttpsHostnameVerificationEnabled(true);
        }
        SealedMessage will = outbox.seal(ContentType.STATUS, null, STATUS_PRIORITY, status.offline("connection lost"));
        MqttMessage willMessage = new MqttMessage(will.frame(), 1, true, null);
        o.setWill(topics.status(), willMessage);
        try {
            IMqttToken token = client.connect(o);
            token.waitForCompletion(30_000);
            MqttProperties granted = token.getResponseProperties();
            int receiveMax = granted == null || granted.getReceiveMaximum() == null ? 65535 : granted.getReceiveMaximum();
            // The broker's Receive Maximum bounds our in-flight publishes (the status messages and the alarm slots
            // included): the alarm slots come out of what it leaves, the routine window out of the rest.
            int room = Math.max(1, receiveMax - 1);
            int alarmSlots = Math.min(ALARM_SLOTS, room / 4);
            s.windowSize = Math.max(1, Math.min(options.inflight(), room - alarmSlots));
            s.window = new java.util.concurrent.Semaphore(s.windowSize);
            s.alarmSlots = new java.util.concurrent.Semaphore(alarmSlots);
            if (s.windowSize < options.inflight()) {
                Logger.info("uplink: broker {} allows {} messages in flight: window {} instead of {}",
                        options.brokerUrl(), receiveMax, s.windowSize, options.inflight());
            }
            Long brokerMax = granted == null ? null : granted.getMaximumPacketSize();
            s.brokerMaxPacket = brokerMax == null ? Long.MAX_VALUE : brokerMax;
        } catch (MqttException e) {
            closeQuietly(s);
            throw e;
        }
        try {
            announce(s);
        } catch (MqttException | StoreException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
        return s;
    }

    /** Birth message and command subscription, right after CONNACK. */
    private void announce(Session s) throws MqttException, StoreException {
        long n = connects.incrementAndGet();
        QueueStats stats = queue.stats();
        Logger.info("uplink: connected to {} as {} (connect #{}, MQTT 5); backlog {} messages, {} bytes, oldest {} s",
                options.brokerUrl(), options.gatewayId(), n, stats.messages(), stats.bytes(),
                stats.oldestAgeMillis() / 1000);
        SealedMessage birth = outbox.seal(ContentType.STATUS, null, STATUS_PRIORITY,
                status.online(options.brokerUrl(), n));
        IMqttToken sub = s.client.subscribe(topics.command(), 1);
        // Birth before any data, and waited for, so that it never takes a slot of the broker's Receive Maximum.
        s.client.publish(topics.status(), birth.frame(), 1, true).waitForCompletion(15_000);
        sub.waitForCompletion(15_000);
        int[] granted = sub.getReasonCodes();
        if (granted != null && granted.length > 0 && granted[0] >= 0x80) {
            Logger.error("uplink: broker refused the subscription to {} (reason 0x{}): commands will not arrive; check"
                    + " the broker's ACL for this gateway", topics.command(), Integer.toHexString(granted[0]));
        }
    }

    /**
     * Drains the queue until the connection is lost or the uplink is closed. Each turn publishes pending alarms into
     * the alarm slots first (alarms only), then fills the free part of the routine window (highest priority first,
     * so an alarm that found no alarm slot still goes before the backlog); with nothing to do it waits for the bell
     * (a PUBACK freed a slot, or the store has something new), at most {@value #POLL_MS} ms.
     */
    private void serve(Session s) throws InterruptedException {
        RateLimiter limiter = new RateLimiter(options.rateLimitPerSecond(),
                (int) Math.max(1, Math.min(s.windowSize, Math.ceil(options.rateLimitPerSecond() / 10))));
        DrainProgress progress = new DrainProgress(options.progressLogMs(), s.windowSize);
        progress.begin(queue.stats().messages());
        long ackTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(options.ackTimeoutMs());
        queue.addPendingListener(ringBell);
        try {
            while (running && !s.lost) {
                heartbeat.beat();
                flushAcksAsync(s);
                progress.tick(queue, acknowledged.get());
                if (watchdog(s, ackTimeoutNanos)) {
                    break;
                }
                // Alarms overtake the drain: not paced by the rate limit (they are rare) and never behind the window.
                boolean sent = publishAlarms(s);
                int n = s.window.drainPermits();
                if (n > 0) {
                    int granted = limiter.acquireUpTo(n, POLL_MS);
                    if (granted < n) {
                        s.window.release(n - granted);
                        n = granted;
                    }
                    if (n > 0) {
                        List<StoredMessage> batch;
                        // Under alarmLock: an alarm the alarm thread took before this take is handed to Paho
                        // before it (that thread takes and publishes under the lock), and one still pending is in
                        // this batch, first. Without it, alarms waiting at a reconnect could be taken by that
                        // thread and published after the backlog taken here (BrokerRestartTest caught it).
                        // The batch's alarms (its head: highest priority first) are handed to Paho under the lock
                        // too, or the alarm thread could take newer alarms meanwhile and publish them between these
                        // (a 60 s broker outage with 20 in flight allowed showed it: newer alarms acknowledged
                        // before older ones).
                        int alarms;
                        synchronized (alarmLock) {
                            batch = queue.takeBatch(n);
                            alarms = leadingAlarms(batch);
                            if (alarms > 0) {
                                publish(s, batch.subList(0, alarms), false);
                            }
                        }
                        if (batch.size() < n) {
                            s.window.release(n - batch.size());
                            limiter.giveBack(n - batch.size());
                        }
                        publish(s, batch.subList(alarms, batch.size()), false);
                        sent |= !batch.isEmpty();
                    }
                }
                if (!sent) {
                    flushAcksAsync(s);
                    awaitBell(POLL_MS);
                }
            }
        } finally {
            queue.removePendingListener(ringBell);
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

    private void ringAlarmBell() {
        if (queue.alarmsPending() > 0) {
            wakeAlarmThread();
        }
    }

    /** From the outbox, on the sealing thread, before the alarm's append (see {@link ExpressAlarms}). */
    private void alarmSealed(SealedMessage m) {
        express.offer(m);
        wakeAlarmThread();
    }

    private void wakeAlarmThread() {
        synchronized (alarmBell) {
            alarmRung = true;
            alarmBell.notifyAll();
        }
    }

    /** Alarms published before their stored copy was taken (see {@link ExpressAlarms}), since start. */
    public long alarmsExpressed() {
        return express.expressed();
    }

    /** The {@code tidegate-uplink-alarms} thread (see {@link #alarmLock}). */
    private void publishAlarmsAsTheyCome() {
        while (running) {
            synchronized (alarmBell) {
                if (!alarmRung) {
                    try {
                        alarmBell.wait(POLL_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                alarmRung = false;
            }
            synchronized (alarmLock) {
                Session s = alarmSession;
                if (s == null || s.lost || !running) {
                    express.noRoom();
                } else {
                    try {
                        // The store's first: what it holds is older than what was just sealed.
                        publishAlarms(s);
                        publishExpress(s);
                    } catch (RuntimeException e) {
                        long n = alarmThreadFailures.incrementAndGet();
                        if (n == 1 || n % 1000 == 0) {
                            Logger.warn(e, "uplink: the alarm thread failed ({} times so far); the session thread"
                                    + " still sends alarms", n);
                        }
                    }
                }
            }
        }
    }

    /** Publishes the outbox's alarms into free alarm slots while {@link ExpressAlarms#next} allows. */
    private void publishExpress(Session s) {
        while (express.hasOffers()) {
            if (!s.alarmSlots.tryAcquire()) {
                express.noRoom();
                return;
            }
            SealedMessage m = express.next(queue.alarmsPending() > 0);
            if (m == null) {
                s.alarmSlots.release();
                return;
            }
            long packet = m.frame().length + m.topic().length() + 16L;
            ExpressAlarms.Entry e = express.publishing(m);
            if (s.lost || packet > Math.min(s.brokerMaxPacket, options.maxPacketBytes())) {
                express.failed(e); // the stored copy goes, or is deleted as too large, by the usual path
                s.alarmSlots.release();
                continue;
            }
            try {
                if (s.outstanding.getAndIncrement() == 0) {
                    s.lastProgress = System.nanoTime();
                }
                s.client.publish(m.topic(), m.frame(), 1, false, e, s);
                published.incrementAndGet();
            } catch (MqttException | RuntimeException ex) {
                s.outstanding.decrementAndGet();
                s.alarmSlots.release();
                express.failed(e);
                s.lose(ex);
                return;
            }
        }
    }

    /** Takes the alarms waiting in the store into the free alarm slots and publishes them; true if there were any. */
    private boolean publishAlarms(Session s) {
        if (queue.alarmsPending() <= 0) {
            return false;
        }
        // Take and hand to Paho under the lock, on whichever thread: alarms reach the broker in the order taken.
        synchronized (alarmLock) {
            int k = s.alarmSlots.drainPermits();
            if (k <= 0) {
                return false;
            }
            List<StoredMessage> alarms = queue.takeBatch(k, StoreAndForwardQueue.ALARM_PRIORITY);
            if (alarms.size() < k) {
                s.alarmSlots.release(k - alarms.size());
            }
            publish(s, alarms, true);
            return !alarms.isEmpty();
        }
    }

    /** How many messages at the head of a take (highest priority first) are alarms. */
    private static int leadingAlarms(List<StoredMessage> batch) {
        int n = 0;
        while (n < batch.size() && batch.get(n).priority() >= StoreAndForwardQueue.ALARM_PRIORITY) {
            n++;
        }
        return n;
    }

    /**
     * Publishes messages taken for the routine window or, with {@code alarmSlots}, for the alarm slots; each one's
     * slot is given back to the pool it came from when its PUBACK (or failure) arrives. Handing a routine batch to
     * Paho takes milliseconds on a busy board (up to the window, 128 publishes), so every
     * {@value #ALARM_CHECK_EVERY} of them the alarms the store committed meanwhile go first.
     */
    private void publish(Session s, List<StoredMessage> batch, boolean alarmSlots) {
        int handed = 0;
        for (StoredMessage m : batch) {
            // Not between a take's alarms: alarms taken now would be newer and go before the rest of them.
            if (!alarmSlots && ++handed % ALARM_CHECK_EVERY == 0 && !s.lost
                    && m.priority() < StoreAndForwardQueue.ALARM_PRIORITY) {
                publishAlarms(s);
            }
            if (s.lost) {
                (alarmSlots ? s.alarmSlots : s.window).release(); // stays in flight in the store; released at teardown
                continue;
            }
            if (m.priority() >= StoreAndForwardQueue.ALARM_PRIORITY) {
                ExpressAlarms.Link link = express.taken(m);
                if (link != ExpressAlarms.Link.NOT_EXPRESSED) {
                    // Already on the wire from the outbox's hand-over: this take only gives the PUBACK its id.
                    if (link == ExpressAlarms.Link.ACKNOWLEDGED) {
                        s.acks.add(m.id());
                    }
                    (alarmSlots ? s.alarmSlots : s.window).release();
                    ring();
                    continue;
                }
            }
            if (alarmSlots) {
                s.inAlarmSlot.add(m.id());
            }
            long packet = m.payload().length + m.topic().length() + 16L;
            long limit = Math.min(s.brokerMaxPacket, options.maxPacketBytes());
            if (packet > limit) {
                // Can never be sent over this link (Paho applies both limits to what it sends): kept in the store
                // would block the queue forever.
                Logger.error("uplink: message seq={} on {} ({} bytes) exceeds the maximum packet size {} (broker {},"
                                + " maxPacketBytes {}): deleted, not sent", m.sequence(), m.topic(), packet, limit,
                        s.brokerMaxPacket == Long.MAX_VALUE ? "none" : s.brokerMaxPacket, options.maxPacketBytes());
                s.acks.add(m.id());
                s.release(m);
                continue;
            }
            try {
                if (s.outstanding.getAndIncrement() == 0) {
                    s.lastProgress = System.nanoTime();
                }
                s.client.publish(m.topic(), m.payload(), 1, false, m, s);
                published.incrementAndGet();
            } catch (MqttException | RuntimeException e) {
                s.outstanding.decrementAndGet();
                s.release(m);
                s.lose(e);
            }
        }
    }

    private void ring() {
        synchronized (bell) {
            rung = true;
            bell.notifyAll();
        }
    }

    /** Waits until the bell rings (or was rung since the last wait), at most {@code ms}. */
    private void awaitBell(long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (bell) {
            while (!rung && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(bell, left);
            }
            rung = false;
        }
    }

    /**
     * True (and the session marked lost) if publishes are outstanding and no PUBACK came for the ack timeout: the
     * broker, the link or one of Paho's threads is stuck, and only a new connection can tell which.
     */
    private boolean watchdog(Session s, long ackTimeoutNanos) {
        if (s.outstanding.get() > 0 && System.nanoTime() - s.lastProgress > ackTimeoutNanos) {
            watchdogTrips.incrementAndGet();
            s.lose(new IOException("no PUBACK for " + options.ackTimeoutMs() + " ms with " + s.outstanding.get()
                    + " message(s) in flight: dropping the connection"));
            return true;
        }
        return s.lost;
    }

    /** Orderly shutdown: the offline status replaces the retained online one, then a clean DISCONNECT. */
    private void goodbye(Session s) {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (s.outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20); // let outstanding PUBACKs arrive so fewer messages are sent twice
            }
            flushAcks(s);
            SealedMessage bye = outbox.seal(ContentType.STATUS, null, STATUS_PRIORITY, status.offline("shutdown"));
            s.client.publish(topics.status(), bye.frame(), 1, true).waitForCompletion(5_000);
            s.client.disconnect(2_000).waitForCompletion(3_000);
            Logger.info("uplink: disconnected from {}", options.brokerUrl());
        } catch (MqttException | StoreException e) {
            Logger.warn("uplink: orderly disconnect failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void teardown(Session s) {
        synchronized (alarmLock) { // waits for an alarm publish in progress; none starts after this
            alarmSession = null;
            express.sessionEnded();
        }
        s.lost = true;
        closeQuietly(s);
        flushAcks(s);
        int released = queue.releaseInFlight();
        if (released > 0) {
            Logger.info("uplink: {} unacknowledged messages returned to the queue", released);
        }
    }

    /**
     * While draining: hands the acknowledged ids to the store without waiting for their deletion's commit, so
     * publishing goes on while it syncs (a crash before it sends them again: at least once). The store runs
     * requests in order, so a later take or release sees these deletions.
     */
    private void flushAcksAsync(Session s) {
        if (s.acks.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        Long id;
        while ((id = s.acks.poll()) != null) {
            ids.add(id);
        }
        queue.acknowledgeAsync(ids);
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

    private static void closeQuietly(Session s) {
        MqttAsyncClient client = s.client;
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1_000, false);
                }
            } catch (MqttException | RuntimeException ignored) {
                // already gone
            }
            try {
                client.close(true);
            } catch (MqttException | RuntimeException ignored) {
                // already closed
            }
        }
        s.executor.shutdownNow();
    }

    private void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
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

    /** A frame on the command topic that is handed on, or dropped and counted (it is acknowledged either way). */
    private void frameArrived(String topic, MqttMessage message) {
        if (!topic.equals(topics.command())) {
            Logger.debug("uplink: ignoring message on {}", topic);
            return;
        }
        byte[] frame = message.getPayload();
        if (frame.length == 0 || frame.length > options.maxPacketBytes()) {
            drop("an empty or oversized frame (" + frame.length + " bytes; " + oversizedFrames.get()
                    + " oversized packet(s) skipped unread so far)");
            return;
        }
        try {
            commandThread.execute(() -> {
                try {
                    commands.accept(frame);
                } catch (RuntimeException | Error e) {
                    Logger.error(e, "uplink: command handling failed");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            drop("a frame while closing");
        }
    }

    private void drop(String what) {
        long n = framesDropped.incrementAndGet();
        long suppressed = dropLog.allow();
        if (suppressed >= 0) {
            Logger.warn("uplink: dropped {} on {} (acknowledged; {} dropped since start{})", what, topics.command(), n,
                    suppressed > 0 ? ", " + suppressed + " such lines suppressed" : "");
        }
    }

    /**
     * One connection: its client and Paho's threads, its window of unacknowledged publishes and the acks not yet
     * applied. Paho runs on an executor of ours, so a Paho task (receiver, sender, callback) that ends with an
     * exception or an Error is seen here and ends the session instead of leaving it half alive.
     */
    private final class Session implements MqttCallback, MqttActionListener {
        final ScheduledThreadPoolExecutor executor;
        volatile MqttAsyncClient client;
        volatile java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(0);
        volatile java.util.concurrent.Semaphore alarmSlots = new java.util.concurrent.Semaphore(0);
        /** Ids of the messages in flight in an alarm slot (the rest hold a slot of the routine window). */
        final java.util.Set<Long> inAlarmSlot = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile int windowSize = 1;
        volatile long brokerMaxPacket = Long.MAX_VALUE;
        final java.util.concurrent.atomic.AtomicInteger outstanding = new java.util.concurrent.atomic.AtomicInteger();
        volatile long lastProgress = System.nanoTime();
        final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        volatile boolean lost;
        volatile boolean refusedByBroker;
        volatile Throwable cause;

        Session() {
            AtomicLong n = new AtomicLong();
            executor = new ScheduledThreadPoolExecutor(PAHO_THREADS, r -> {
                Thread t = new Thread(r, "tidegate-paho-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }) {
                @Override
                protected void afterExecute(Runnable r, Throwable t) {
                    super.afterExecute(r, t);
                    Throwable failure = t;
                    if (failure == null && r instanceof Future<?> f && f.isDone() && !f.isCancelled()) {
                        try {
                            f.get();
                        } catch (ExecutionException e) {
                            failure = e.getCause();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (java.util.concurrent.CancellationException ignored) {
                            // cancelled
                        }
                    }
                    if (failure != null && !lost) {
                        Logger.error("uplink: an MQTT client thread died of {}: dropping the connection", failure.toString());
                        lose(failure);
                    }
                }
            };
            executor.setRemoveOnCancelPolicy(true);
        }

        void lose(Throwable why) {
            if (!lost) {
                cause = why;
                lost = true;
            }
            ring();
        }

        /** Gives the message's in-flight slot back to its pool and wakes the drain loop. */
        void release(StoredMessage m) {
            if (inAlarmSlot.remove(m.id())) {
                alarmSlots.release();
            } else {
                window.release();
            }
            ring();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            MqttException e = response.getException();
            lose(e != null ? e : new IOException("broker disconnected (reason " + response.getReturnCode()
                    + (response.getReasonString() != null ? ": " + response.getReasonString() : "") + ")"));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            lose(exception);
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // connect() waits for completion itself
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }

        /**
         * On Paho's callback thread: whatever happens, return normally so that Paho acknowledges the frame (a frame
         * that kills the callback would be redelivered at every reconnect).
         */
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                frameArrived(topic, message);
            } catch (Throwable t) {
                drop("a frame whose hand-off failed (" + t + ")");
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // data messages complete through onSuccess below
        }

        /** PUBACK for a data message. */
        @Override
        public void onSuccess(IMqttToken token) {
            if (token.getUserContext() instanceof ExpressAlarms.Entry e) {
                expressAcknowledged(e, token);
                return;
            }
            if (token.getUserContext() instanceof StoredMessage m) {
                outstanding.decrementAndGet();
                lastProgress = System.nanoTime();
                int[] codes = token.getReasonCodes();
                int code = codes == null || codes.length == 0 ? 0 : codes[0];
                if (code >= 0x80) {
                    // The broker refused it (not authorised, quota, payload format): not delivered; it stays in the
                    // store, and the connection is retried at the slow cap, as for any refusal that needs an operator.
                    release(m);
                    refusedByBroker = true;
                    Logger.error("uplink: broker {} refused message seq={} on {} (PUBACK reason 0x{}): kept in the"
                                    + " store; check the broker's ACL for this gateway", options.brokerUrl(),
                            m.sequence(), m.topic(), Integer.toHexString(code));
                    lose(new IOException("broker refused a publish on " + m.topic() + " (reason 0x"
                            + Integer.toHexString(code) + ")"));
                    return;
                }
                acks.add(m.id());
                acknowledged.incrementAndGet();
                long now = System.currentTimeMillis();
                lastAckAt.set(now);
                if (m.priority() >= StoreAndForwardQueue.ALARM_PRIORITY) {
                    // An alarm's delivery time is what an operator asks first ("did the platform have it at once?");
                    // alarms are rare, and each one is already logged when it is submitted.
                    Logger.info("uplink: alarm seq={} acknowledged by the broker {} ms after it was sealed", m.sequence(),
                            now - m.createdAt());
                }
                ackListener.accept(m.sequence());
                release(m);
            }
        }

        /** The PUBACK of an alarm published from the outbox's hand-over; it held an alarm slot. */
        private void expressAcknowledged(ExpressAlarms.Entry e, IMqttToken token) {
            SealedMessage m = e.message;
            outstanding.decrementAndGet();
            lastProgress = System.nanoTime();
            int[] codes = token.getReasonCodes();
            int code = codes == null || codes.length == 0 ? 0 : codes[0];
            if (code >= 0x80) {
                express.failed(e); // the stored copy goes (and is refused) by the usual path, which says so
                alarmSlots.release();
                ring();
                return;
            }
            long id = express.acknowledged(e);
            if (id != ExpressAlarms.NO_ID) {
                acks.add(id);
            }
            acknowledged.incrementAndGet();
            long now = System.currentTimeMillis();
            lastAckAt.set(now);
            Logger.info("uplink: alarm seq={} acknowledged by the broker {} ms after it was sealed (sent before its"
                    + " commit)", m.sequence(), now - m.createdAt());
            ackListener.accept(m.sequence());
            alarmSlots.release();
            ring();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            if (token.getUserContext() instanceof ExpressAlarms.Entry e) {
                outstanding.decrementAndGet();
                alarmSlots.release();
                express.failed(e);
                lose(exception);
                return;
            }
            if (token.getUserContext() instanceof StoredMessage m) {
                outstanding.decrementAndGet();
                release(m);
                lose(exception);
            }
        }
    }

    /** At most one line per interval; {@link #allow()} says how many were suppressed since the last one. */
    private static final class LogLimiter {
        private final long intervalMs;
        private long last;
        private long suppressed;

        LogLimiter(long intervalMs) {
            this.intervalMs = intervalMs;
        }

        /** @return -1 to stay silent, else the number of lines suppressed since the last one */
        synchronized long allow() {
            long now = System.currentTimeMillis();
            if (last != 0 && now - last < intervalMs) {
                suppressed++;
                return -1;
            }
            last = now;
            long s = suppressed;
            suppressed = 0;
            return s;
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
