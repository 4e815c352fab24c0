package org.tidegate.core.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tinylog.Logger;

/**
 * Polls one device through its driver session: reads the readable channels, turns readings into samples
 * (scale and offset applied, failures marked {@code bad} with their reason), hands the batch to the sinks,
 * and keeps the device's health. Writes share a lock with polls so that a command never interleaves
 * with a read on the same device.
 *
 * <p>Given a {@link SessionOpener}, it can restart its connection ({@link #restartSession()}): the session is closed
 * and a new one opened on the poll thread between two polls, and the device is polled at once. Health counters go
 * on across it (they count since the device started); only the driver's fault counts start again with the session.
 *
 * <p>Usable without OSGi: the device component wraps it, tests and benchmarks use it directly.
 */
public final class DevicePoller implements AutoCloseable {

    /** Opens a new driver session for this poller's device: {@code () -> driver.open(device)}. */
    @FunctionalInterface
    public interface SessionOpener {
        DeviceSession open() throws DriverException;
    }

    private final Device device;
    private final SessionOpener opener;
    private final Supplier<? extends Iterable<SampleSink>> sinks;
    private final List<Channel> readable;
    private final Object ioLock = new Object();
    private PollScheduler scheduler;
    /** Null only after a restart whose new session could not be opened: every poll tries again. Guarded by ioLock. */
    private volatile DeviceSession session;
    private volatile String sessionError = "";
    /** Restarts asked for and not completed yet (so that close() can fail them). */
    private final Set<CompletableFuture<DeviceHealth>> restarting = ConcurrentHashMap.newKeySet();
    /** Restarts whose new session is open, completed by the next poll. Poll thread only. */
    private final List<CompletableFuture<DeviceHealth>> afterNextPoll = new ArrayList<>();

    // Health counters: written by the poll thread only, read by anyone.
    private volatile long polls;
    private volatile long failedPolls;
    private volatile long lastPollAt;
    private volatile long lastPollMillis;
    private volatile String lastError = "";
    private volatile long lastErrorAt;
    private volatile boolean lastPollGood;
    private volatile boolean wasDown;

    /** A poller on a session opened elsewhere; it cannot {@link #restartSession() restart} it. */
    public DevicePoller(Device device, DeviceSession session, Supplier<? extends Iterable<SampleSink>> sinks) {
        this(device, Objects.requireNonNull(session), null, sinks);
    }

    /** A poller that opens its session now, and a new one at every {@link #restartSession()}. */
    public DevicePoller(Device device, SessionOpener opener, Supplier<? extends Iterable<SampleSink>> sinks)
            throws DriverException {
        this(device, Objects.requireNonNull(opener).open(), opener, sinks);
    }

    private DevicePoller(Device device, DeviceSession session, SessionOpener opener,
                         Supplier<? extends Iterable<SampleSink>> sinks) {
        this.device = Objects.requireNonNull(device);
        this.session = Objects.requireNonNull(session, "session");
        this.opener = opener;
        this.sinks = Objects.requireNonNull(sinks);
        this.readable = device.channels().stream().filter(c -> c.access().readable()).toList();
    }

    public Device device() {
        return device;
    }

    /** Starts polling at the device's interval on the shared poll threads ({@link PollScheduler}). */
    public synchronized DevicePoller start() {
        return start(org.tidegate.core.health.Heartbeat.NONE);
    }

    /** As {@link #start()}, beating {@code heartbeat} after every poll (the watchdog's view of this thread). */
    public synchronized DevicePoller start(org.tidegate.core.health.Heartbeat heartbeat) {
        if (scheduler == null) {
            scheduler = PollScheduler.start(device.id(), device.pollInterval(), this::pollOnce, heartbeat);
        }
        return this;
    }

    /** One poll: read, convert, deliver. Public for tests and benchmarks that drive polls themselves. */
    public SampleBatch pollOnce() {
        long started = System.currentTimeMillis();
        List<ChannelReading> readings;
        synchronized (ioLock) {
            DeviceSession now = sessionOrReopen();
            readings = readable.isEmpty() ? List.of() : now == null ? notConnected(readable, started) : now.read(readable);
        }
        List<Sample> samples = new ArrayList<>(readings.size());
        boolean anyGood = false;
        String firstError = null;
        for (ChannelReading r : readings) {
            Channel c = r.channel();
            long t = r.timestamp() > 0 ? r.timestamp() : started;
            if (r.ok()) {
                samples.add(Sample.good(device.id(), c.id(), t, c.toEngineering(r.raw()), c.unit()));
                anyGood = true;
            } else {
                String why = r.status().name().toLowerCase(java.util.Locale.ROOT)
                        + (r.detail().isEmpty() ? "" : ": " + r.detail());
                samples.add(Sample.bad(device.id(), c.id(), t, c.unit(), why));
                if (firstError == null) {
                    firstError = c.id() + " " + why;
                }
            }
        }
        long took = System.currentTimeMillis() - started;
        polls++;
        lastPollAt = started;
        lastPollMillis = took;
        lastPollGood = anyGood || readings.isEmpty();
        if (firstError != null) {
            lastError = firstError;
            lastErrorAt = started;
        }
        if (!lastPollGood) {
            failedPolls++;
            if (!wasDown) {
                Logger.warn("device={} down: {}", device.id(), firstError);
                wasDown = true;
            }
        } else if (wasDown) {
            Logger.info("device={} back up after {} failed polls", device.id(), failedPolls);
            wasDown = false;
        }
        SampleBatch batch = new SampleBatch(device.id(), started, samples);
        for (SampleSink sink : sinks.get()) {
            try {
                sink.accept(batch);
            } catch (RuntimeException e) {
                Logger.error(e, "device={} sample sink {} failed", device.id(), sink.getClass().getName());
            }
        }
        if (!afterNextPoll.isEmpty()) {
            DeviceHealth h = health();
            for (CompletableFuture<DeviceHealth> f : afterNextPoll) {
                restarting.remove(f);
                f.complete(h);
            }
            afterNextPoll.clear();
        }
        return batch;
    }

    /**
     * Restarts the connection: on the poll thread, once the poll in progress has finished, closes the session, opens
     * a new one and polls at once. The future completes with the health after that poll, or exceptionally if the new
     * session could not be opened (then every poll tries to open one again, its channels {@code NOT_CONNECTED}
     * meanwhile) or the poller closed first. Cancelling it before the restart began drops the restart.
     *
     * @throws UnsupportedOperationException if this poller was given a session instead of an opener
     */
    public CompletableFuture<DeviceHealth> restartSession() {
        if (opener == null) {
            throw new UnsupportedOperationException("device " + device.id() + ": this poller cannot open a new session");
        }
        CompletableFuture<DeviceHealth> done = new CompletableFuture<>();
        PollScheduler s;
        synchronized (this) {
            s = scheduler;
        }
        if (s == null) {
            done.completeExceptionally(new IllegalStateException("device " + device.id() + " is not polling"));
            return done;
        }
        restarting.add(done);
        s.runSoon(() -> reopen(done));
        return done;
    }

    /** On the poll thread, between two polls. */
    private void reopen(CompletableFuture<DeviceHealth> done) {
        if (done.isDone()) {
            restarting.remove(done);
            return; // cancelled: whoever asked gave up before it began
        }
        synchronized (ioLock) {
            DeviceSession old = session;
            session = null;
            if (old != null) {
                old.close();
            }
            try {
                session = opener.open();
                sessionError = "";
            } catch (DriverException | RuntimeException e) {
                sessionError = String.valueOf(e.getMessage());
                restarting.remove(done);
                done.completeExceptionally(e);
                Logger.warn("device={} no new session after its restart: {}", device.id(), sessionError);
                return;
            }
        }
        afterNextPoll.add(done);
    }

    /** Under ioLock: the session, or a new one if a restart left none (null while it still cannot be opened). */
    private DeviceSession sessionOrReopen() {
        if (session == null && opener != null) {
            try {
                session = opener.open();
                sessionError = "";
                Logger.info("device={} session opened again", device.id());
            } catch (DriverException | RuntimeException e) {
                sessionError = String.valueOf(e.getMessage()); // the device is down with this reason; no log flood
            }
        }
        return session;
    }

    private List<ChannelReading> notConnected(List<Channel> channels, long t) {
        List<ChannelReading> out = new ArrayList<>(channels.size());
        for (Channel c : channels) {
            out.add(ChannelReading.failed(c, ReadStatus.NOT_CONNECTED, "no session: " + sessionError, t));
        }
        return out;
    }

    /** Writes an engineering value to a writable channel, serialised with polls. */
    public ChannelReading write(String channelId, Object value) {
        Channel c = device.channel(channelId).orElseThrow(
                () -> new IllegalArgumentException("device " + device.id() + " has no channel " + channelId));
        if (!c.access().writable()) {
            throw new IllegalArgumentException("channel " + device.id() + "/" + channelId + " is read-only");
        }
        ChannelReading r;
        synchronized (ioLock) {
            DeviceSession now = sessionOrReopen();
            r = now == null ? notConnected(List.of(c), System.currentTimeMillis()).get(0) : now.write(c, c.toRaw(value));
        }
        Logger.info("device={} channel={} write {} -> {}", device.id(), channelId, value, r.status());
        return r;
    }

    /** Reads one readable channel now, serialised with polls; nothing goes to the sinks. */
    public ChannelReading readNow(String channelId) {
        Channel c = device.channel(channelId).orElseThrow(
                () -> new IllegalArgumentException("device " + device.id() + " has no channel " + channelId));
        if (!c.access().readable()) {
            throw new IllegalArgumentException("channel " + device.id() + "/" + channelId + " is write-only");
        }
        synchronized (ioLock) {
            DeviceSession now = sessionOrReopen();
            return now == null ? notConnected(List.of(c), System.currentTimeMillis()).get(0) : now.read(List.of(c)).get(0);
        }
    }

    public DeviceHealth health() {
        String state = polls == 0 ? "starting" : lastPollGood ? "up" : "down";
        long skipped = scheduler == null ? 0 : scheduler.skippedTicks();
        java.util.Map<String, Long> faults;
        try {
            DeviceSession now = session;
            faults = now == null ? java.util.Map.of() : now.faultCounts();
        } catch (RuntimeException e) {
            faults = java.util.Map.of();
        }
        return new DeviceHealth(device.id(), state, polls, failedPolls, skipped, lastPollAt, lastPollMillis,
                lastError, lastErrorAt, faults);
    }

    /** Stops polling (waiting for a poll in progress) and closes the session. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
        synchronized (ioLock) {
            if (session != null) {
                session.close();
            }
        }
        for (CompletableFuture<DeviceHealth> f : restarting) {
            f.completeExceptionally(new IllegalStateException("device " + device.id() + " stopped"));
        }
        restarting.clear();
    }
}
