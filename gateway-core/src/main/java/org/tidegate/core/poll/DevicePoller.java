package org.tidegate.core.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
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
 * <p>Usable without OSGi: the device component wraps it, tests and benchmarks use it directly.
 */
public final class DevicePoller implements AutoCloseable {
    private final Device device;
    private final DeviceSession session;
    private final Supplier<? extends Iterable<SampleSink>> sinks;
    private final List<Channel> readable;
    private final Object ioLock = new Object();
    private PollScheduler scheduler;

    // Health counters: written by the poll thread only, read by anyone.
    private volatile long polls;
    private volatile long failedPolls;
    private volatile long lastPollAt;
    private volatile long lastPollMillis;
    private volatile String lastError = "";
    private volatile long lastErrorAt;
    private volatile boolean lastPollGood;
    private volatile boolean wasDown;

    public DevicePoller(Device device, DeviceSession session, Supplier<? extends Iterable<SampleSink>> sinks) {
        this.device = Objects.requireNonNull(device);
        this.session = Objects.requireNonNull(session);
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
            readings = readable.isEmpty() ? List.of() : session.read(readable);
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
        return batch;
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
            r = session.write(c, c.toRaw(value));
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
            return session.read(List.of(c)).get(0);
        }
    }

    public DeviceHealth health() {
        String state = polls == 0 ? "starting" : lastPollGood ? "up" : "down";
        long skipped = scheduler == null ? 0 : scheduler.skippedTicks();
        java.util.Map<String, Long> faults;
        try {
            faults = session.faultCounts();
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
            session.close();
        }
    }
}
