package org.tidegate.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.core.retry.Backoff;
import org.tidegate.outbox.Priority;
import org.tidegate.pipeline.internal.BodyEncoder;
import org.tidegate.pipeline.internal.HandOff;
import org.tidegate.pipeline.internal.PendingFile;
import org.tidegate.pipeline.rules.ActionCommand;
import org.tidegate.pipeline.rules.ActionCoordinator;
import org.tidegate.pipeline.rules.AlarmEvent;
import org.tidegate.pipeline.rules.ChannelRules;
import org.tidegate.pipeline.rules.DeviceRules;
import org.tidegate.pipeline.rules.Evaluation;
import org.tidegate.pipeline.rules.RuleConfigException;
import org.tidegate.pipeline.rules.RuleParser;
import org.tinylog.Logger;

/**
 * The edge pipeline. On the poll thread ({@link #accept}) it runs the device's rules, which are cheap and in
 * memory, and decides local actions; everything slow happens elsewhere:
 * <ul>
 *   <li>one <em>pipeline thread</em> submits bodies to the {@link MessageSink} (sealing and storing), alarms and
 *       action outcomes first and never dropped, telemetry and status bounded; it encodes and seals alarm and
 *       action bodies itself, while telemetry and status go into the sink's commit pipeline through the
 *       <em>pipeline-seal</em> thread (see {@link #deliverPipelined}), so that an alarm never waits for a routine
 *       message's sealing; a telemetry batch is encoded by the poll thread that completes it (a few bytes per
 *       sample wait in the queue instead of the samples);</li>
 *   <li>one <em>local thread</em> performs local actions through the {@link ActionWriter} and retries failed
 *       ones; it never touches the sink, so a siren switches even while the uplink, or the sink itself, is
 *       away. Outcomes go to the pipeline thread as events, and the sink's store sends them when the link
 *       returns.</li>
 * </ul>
 * The pipeline thread retries what the sink refuses with a back-off per lane: while routine data is refused (a
 * full disk), an alarm is still taken at once. {@link #close()} hands what it can to the sink within
 * {@value #DRAIN_ON_CLOSE_MS} ms, alarms first, and keeps the rest in the {@linkplain #setPendingFile pending file}
 * for the next start: alarms the sink holds only in memory ({@link MessageSink#heldInMemory}), then whatever is
 * still queued; what does not fit is counted and reported by the next start's status messages
 * ({@code lostAtLastShutdown}).
 * Usable without OSGi; {@link #start()} before use, {@link #close()} flushes.
 */
public final class Pipeline implements SampleSink, AutoCloseable {
    private static final long MAX_ACTION_RETRY_MS = 60_000;
    /** The worker's pause after the sink refused a message: 100 ms, doubling up to 5 s. */
    private static final long SINK_RETRY_MIN_MS = 100;
    private static final long SINK_RETRY_MAX_MS = 5_000;
    /** At close, how long the pipeline thread may keep handing queued messages to the sink. */
    private static final long DRAIN_ON_CLOSE_MS = 5_000;
    /** Alarms remembered while the sink holds alarms only in memory (the store's in-memory bound is the same). */
    private static final int UNCONFIRMED_LIMIT = 10_000;
    private static final long HELD_CHECK_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long DETACH_GRACE_MS = 60_000;
    /** Telemetry messages the pipeline thread keeps in the sink's commit pipeline at once. */
    static final int PIPELINED = 64;

    private final PipelineSettings settings;
    private final Clock clock;
    private final ActionWriter writer;
    private final Backoff actionRetry;
    private final HandOff<Outgoing> handOff;
    private final ActionCoordinator coordinator = new ActionCoordinator();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, Lane> detached = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> activeAlarms = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor local;
    private final Thread worker;
    /** Encodes and seals pipelined telemetry and status off the pipeline thread (see {@link #deliverPipelined}). */
    private final java.util.concurrent.ExecutorService sealing;
    /** Messages handed to {@link #sealing} and not yet handed to the sink. */
    private final AtomicInteger sealingQueued = new AtomicInteger();
    private final java.util.function.BooleanSupplier sealingIdle = () -> sealingQueued.get() == 0;
    private volatile MessageSink sink;
    private volatile Supplier<? extends Collection<DeviceHealth>> health = List::of;
    private volatile Supplier<Map<String, Object>> queueStatus = Map::of;
    private final List<AlarmObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * The raising event of each alarm raised now, by {@link AlarmEvent#key()}, told to an observer added later; guarded
     * by {@link #observers}' monitor, which also orders a transition's telling against an observer's arrival.
     */
    private final Map<String, AlarmEvent> openAlarms = new java.util.LinkedHashMap<>();
    private volatile boolean stopping;
    private volatile long drainDeadline = Long.MAX_VALUE;
    private volatile long detachGraceMs = DETACH_GRACE_MS;
    private volatile PendingFile pendingFile;
    /** The message the pipeline thread is handing to the sink right now (kept at close if it is stuck there). */
    private volatile Outgoing inHand;
    /** Alarms the sink accepted while it held alarms only in memory, oldest first; guarded by itself. */
    private final ArrayDeque<PendingFile.Entry> unconfirmed = new ArrayDeque<>();
    private final AtomicInteger replayOutstanding = new AtomicInteger();
    /** Whether the pending file holds messages or a lost count that this run has not settled yet. */
    private volatile boolean fileToSettle;
    /** Lost at the previous shutdown(s), not yet carried by a stored status message. */
    private volatile long lostUnreported;
    private volatile long lostAtLastShutdown;
    private volatile long replayed;

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong samplesIn = new AtomicLong();
    private final AtomicLong samplesReported = new AtomicLong();
    private final AtomicLong telemetryMessages = new AtomicLong();
    private final AtomicLong alarms = new AtomicLong();
    private final AtomicLong actions = new AtomicLong();
    private final AtomicLong actionFailures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong pipelineRefusals = new AtomicLong();
    /** Samples in telemetry messages waiting in the hand-off (bounded by {@link PipelineSettings#handOffSamples}). */
    private final AtomicLong queuedSamples = new AtomicLong();
    /**
     * Telemetry handed to the sink with {@link MessageSink#submitAsync} whose commit has not been confirmed:
     * at most {@link #PIPELINED} at a time; kept here so that a shutdown can keep what is still unconfirmed.
     */
    private final Map<Outgoing, Long> pipelined = new ConcurrentHashMap<>();
    /**
     * The order in which the pipeline thread first took routine messages (pipeline thread only; a message taken again
     * keeps its order): a message handed back ({@link HandOff#returnRoutine(Object, long)}) goes after those taken
     * before it, so a refusal keeps the order.
     */
    private long routineTaken;
    private final java.util.concurrent.Semaphore pipelineSlots = new java.util.concurrent.Semaphore(PIPELINED);
    /** Set by a failed pipelined submit (on the store's thread): the worker backs off the routine lane. */
    private volatile boolean routineRefused;
    /** Set by a committed pipelined submit: the worker resets the routine lane's back-off. */
    private volatile boolean routineCommitted;

    /** A message waiting for the pipeline thread; alarm and status bodies are encoded there (telemetry already is). */
    private record Outgoing(MessageKind kind, String device, int priority, Supplier<byte[]> body, boolean urgent,
                            String what, boolean replay, int samples) {
        Outgoing(MessageKind kind, String device, int priority, Supplier<byte[]> body, boolean urgent, String what) {
            this(kind, device, priority, body, urgent, what, false, 0);
        }

        Outgoing(MessageKind kind, String device, int priority, Supplier<byte[]> body, boolean urgent, String what,
                 boolean replay) {
            this(kind, device, priority, body, urgent, what, replay, 0);
        }
    }

    /** Per-device rule state and the telemetry batch being built; guarded by its own monitor. */
    private static final class Lane {
        final DeviceRules rules;
        final List<Sample> pending = new ArrayList<>();
        int polls;

        Lane(DeviceRules rules) {
            this.rules = rules;
        }
    }

    public Pipeline(PipelineSettings settings, Clock clock, ActionWriter writer) {
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
        this.writer = Objects.requireNonNull(writer);
        this.actionRetry = new Backoff(Math.min(settings.actionRetryMs(), MAX_ACTION_RETRY_MS), MAX_ACTION_RETRY_MS);
        this.handOff = new HandOff<>(settings.routineQueue());
        this.local = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pipeline-local");
            t.setDaemon(true);
            return t;
        });
        // On close, pending retries and grace timers are dropped; an action already running finishes.
        this.local.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = new Thread(this::workerLoop, "pipeline");
        this.worker.setDaemon(true);
        this.sealing = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pipeline-seal");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Where a shutdown keeps what it could not hand to the sink, and where a start finds it ({@code
     * HOME/data/pipeline-pending}). Opens (and reserves) the file now; call before {@link #start()}, which hands
     * what it holds to the sink first. Without one, what a shutdown cannot hand over is lost (and logged).
     */
    public void setPendingFile(Path path) {
        PendingFile f = PendingFile.open(path);
        this.pendingFile = f;
        List<PendingFile.Entry> kept = f.entries();
        lostAtLastShutdown = f.lost();
        // Without periodic status, the count is reported by this run's online messages only.
        lostUnreported = settings.statusIntervalMs() > 0 ? f.lost() : 0;
        fileToSettle = !kept.isEmpty() || f.lost() > 0;
        if (kept.isEmpty() && f.lost() == 0) {
            return;
        }
        long alarmsKept = kept.stream().filter(e -> e.kind() == MessageKind.ALARM).count();
        Logger.warn("pipeline: the last shutdown kept {} message(s) in {} ({} alarm/event): handing them to the"
                + " outbox; {} message(s) were lost then (reported as lostAtLastShutdown)", kept.size(), f.path(),
                alarmsKept, f.lost());
        replayOutstanding.set(kept.size());
        replayed = kept.size();
        for (PendingFile.Entry e : kept) {
            byte[] body = e.body();
            String what = "kept " + e.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + (e.device() == null ? "" : " " + e.device());
            Outgoing o = new Outgoing(e.kind(), e.device(), e.priority(), () -> body, e.kind() == MessageKind.ALARM,
                    what, true);
            if (o.urgent()) {
                handOff.putUrgent(o);
            } else {
                handOff.putRoutine(o);
            }
        }
    }

    public Pipeline start() {
        worker.start();
        if (settings.statusIntervalMs() > 0) {
            local.scheduleAtFixedRate(this::publishStatus, settings.statusIntervalMs(), settings.statusIntervalMs(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Sets (or with null, removes) where messages go. Without a sink, messages wait in the hand-off queue. */
    public void setSink(MessageSink sink) {
        this.sink = sink;
    }

    /** Where status messages get device health and queue figures (depth, evictions) from. */
    public void setStatusSources(Supplier<? extends Collection<DeviceHealth>> health,
                                 Supplier<Map<String, Object>> queueStatus) {
        this.health = Objects.requireNonNull(health);
        this.queueStatus = Objects.requireNonNull(queueStatus);
    }

    /**
     * Adds an observer told of every alarm transition ({@link AlarmObserver}), first of the alarms raised now (their
     * raising events), so that one added late (the console, restarted by a reload) starts with the open alarms.
     */
    public void addObserver(AlarmObserver o) {
        Objects.requireNonNull(o);
        synchronized (observers) {
            for (AlarmEvent open : openAlarms.values()) {
                tell(o, open);
            }
            observers.add(o);
        }
    }

    public void removeObserver(AlarmObserver o) {
        observers.remove(o);
    }

    /**
     * Loads (or reloads) a device's rules. Invalid rules are logged, naming device, channel and key, and that
     * channel then reports every sample without rules: a configuration mistake never loses data. On a reload,
     * unchanged channels keep their state and raised alarms stay raised (see {@link DeviceRules#takeOver}).
     */
    public void addDevice(Device device) {
        DeviceRules rules;
        try {
            rules = DeviceRules.of(device);
        } catch (RuleConfigException e) {
            e.problems().forEach(p -> Logger.error("rules ignored: {}", p));
            Map<String, ChannelRules> valid = new HashMap<>();
            for (Channel c : device.channels()) {
                try {
                    valid.put(c.id(), RuleParser.parse(device.id(), c.id(), c.rules()));
                } catch (RuleConfigException invalid) {
                    // already logged above; this channel runs without rules
                }
            }
            rules = new DeviceRules(device.id(), valid);
        }
        Lane fresh = new Lane(rules);
        List<AlarmEvent> orphans = List.of();
        Lane old = detached.remove(device.id());
        Lane interim = lanes.get(device.id());
        if (old == null) {
            old = interim;
        } else if (interim != null) {
            // Polls that arrived before the device's service was (re)registered ran without rules: send them.
            synchronized (interim) {
                flush(device.id(), interim);
            }
        }
        if (old != null) {
            synchronized (old) {
                flush(device.id(), old);
                orphans = rules.takeOver(old.rules);
                lanes.put(device.id(), fresh);
            }
        } else {
            lanes.put(device.id(), fresh);
        }
        clearAlarms(orphans, "its rule was removed");
    }

    /**
     * A device stopped (its service went away). Its pending telemetry is flushed; its rule state is kept for a
     * grace period, because a configuration reload stops and restarts the device, and a siren should not flap
     * for it. If the device does not come back in time, its raised alarms are cleared (outputs released).
     */
    public void removeDevice(String deviceId) {
        Lane old = lanes.remove(deviceId);
        if (old == null) {
            return;
        }
        synchronized (old) {
            flush(deviceId, old);
        }
        detached.put(deviceId, old);
        try {
            local.schedule(() -> {
                if (detached.remove(deviceId, old)) {
                    List<AlarmEvent> raised;
                    synchronized (old) {
                        raised = old.rules.raised();
                    }
                    clearAlarms(raised, "the device was removed");
                }
            }, detachGraceMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // shutting down: nothing to release any more
        }
    }

    /** How long a removed device's rule state waits for the device to come back (tests shorten it). */
    void detachGraceMs(long ms) {
        this.detachGraceMs = ms;
    }

    /** Clears alarms whose rule no longer runs: a cleared message (value null) and the outputs released. */
    private void clearAlarms(List<AlarmEvent> raised, String why) {
        List<ActionCommand> commands = new ArrayList<>();
        for (AlarmEvent r : raised) {
            Logger.info("device={} channel={} alarm {} cleared because {}", r.device(), r.channel(), r.event(), why);
            commands.addAll(publish(new AlarmEvent(r.device(), r.channel(), r.event(), false, r.severity(),
                    clock.millis(), null, r.rule(), r.limit(), r.hysteresis(), r.windowMs(), null, r.actions())));
        }
        for (ActionCommand c : commands) {
            runLocally(c);
        }
    }

    /** Records and queues one alarm transition; returns the writes it calls for. */
    private List<ActionCommand> publish(AlarmEvent e) {
        alarms.incrementAndGet();
        trackActive(e);
        Logger.info("device={} channel={} alarm {} {} severity={} value={}", e.device(), e.channel(),
                e.event(), e.state(), e.severity().wireName(), e.value());
        handOff.putUrgent(new Outgoing(MessageKind.ALARM, e.device(), Priority.ALARM.value(),
                () -> BodyEncoder.alarm(settings.gatewayId(), e), true, "alarm " + e.key() + " " + e.state()));
        synchronized (observers) {
            if (e.raised()) {
                openAlarms.put(e.key(), e);
            } else {
                openAlarms.remove(e.key());
            }
            for (AlarmObserver o : observers) {
                tell(o, e);
            }
        }
        return coordinator.onAlarm(e);
    }

    private static void tell(AlarmObserver o, AlarmEvent e) {
        try {
            o.alarmChanged(e);
        } catch (RuntimeException failed) {
            Logger.warn(failed, "device={} alarm observer {} failed", e.device(), o.getClass().getName());
        }
    }

    /** Called on the device's poll thread: rules and action decisions in memory, then hand-off. Never blocks on I/O. */
    @Override
    public void accept(SampleBatch batch) {
        Lane lane = lanes.computeIfAbsent(batch.device(), id -> new Lane(new DeviceRules(id, Map.of())));
        List<ActionCommand> commands = List.of();
        synchronized (lane) {
            Evaluation ev = lane.rules.evaluate(batch);
            batches.incrementAndGet();
            samplesIn.addAndGet(batch.samples().size());
            samplesReported.addAndGet(ev.telemetry().size());
            lane.pending.addAll(ev.telemetry());
            lane.polls++;
            for (AlarmEvent e : ev.alarms()) {
                List<ActionCommand> decided = publish(e);
                if (!decided.isEmpty()) {
                    commands = commands.isEmpty() ? new ArrayList<>() : commands;
                    commands.addAll(decided);
                }
            }
            // An alarm flushes the batch so the values around it travel with it rather than batchPolls later.
            if (lane.polls >= settings.batchPolls() || !ev.alarms().isEmpty()
                    || lane.pending.size() >= settings.maxSamplesPerMessage()) {
                flush(batch.device(), lane);
            }
        }
        for (ActionCommand c : commands) {
            runLocally(c);
        }
    }

    private void runLocally(ActionCommand c) {
        try {
            local.execute(() -> runAction(c, 1));
        } catch (RejectedExecutionException closing) {
            Logger.warn("device={} channel={} action {} not run: pipeline closed", c.action().device(),
                    c.action().channel(), c.value());
        }
    }

    /** Queues a status message now (also done every statusIntervalMs). */
    public void publishStatus() {
        Outgoing o = new Outgoing(MessageKind.STATUS, null, Priority.STATUS.value(), this::statusBody,
                false, "status");
        if (!handOff.offerRoutine(o)) {
            countDrop("status");
        }
    }

    public PipelineStats stats() {
        return new PipelineStats(batches.get(), samplesIn.get(), samplesReported.get(), telemetryMessages.get(),
                alarms.get(), actions.get(), actionFailures.get(), dropped.get(), handOff.size(), replayed,
                lostAtLastShutdown);
    }

    /** Alarms currently raised, per device ({@code event} names). */
    public Map<String, Set<String>> activeAlarms() {
        Map<String, Set<String>> out = new TreeMap<>();
        activeAlarms.forEach((d, s) -> {
            synchronized (s) {
                if (!s.isEmpty()) {
                    out.put(d, Set.copyOf(s));
                }
            }
        });
        return out;
    }

    /** Alarms currently holding an output ({@code device/channel}) on. */
    public Set<String> holders(String target) {
        return coordinator.holders(target);
    }

    /** Flushes pending telemetry, waits (up to 5 s) for queued messages to reach the sink, stops the threads. */
    @Override
    public void close() {
        long t0 = System.nanoTime();
        lanes.forEach((id, lane) -> {
            synchronized (lane) {
                flush(id, lane, true);
            }
        });
        local.shutdown();
        try {
            local.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        local.shutdownNow();
        drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_ON_CLOSE_MS);
        stopping = true;
        if (worker.isAlive()) {
            try {
                worker.join(DRAIN_ON_CLOSE_MS + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Telemetry still waiting for its commit: give the store until the drain deadline to confirm it.
        long waitUntil = Math.max(drainDeadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000));
        while (!pipelined.isEmpty() && System.nanoTime() < waitUntil) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        keepWhatIsLeft(worker.isAlive() ? inHand : null, t0);
        sealing.shutdownNow(); // what it had not sealed yet was kept above
    }

    /**
     * After the drain: alarms the sink holds only in memory, then what is still queued (alarms first), go to the
     * pending file; what it cannot take is counted as lost.
     */
    private void keepWhatIsLeft(Outgoing stuck, long t0) {
        List<PendingFile.Entry> alarmsLeft = new ArrayList<>();
        List<PendingFile.Entry> routineLeft = new ArrayList<>();
        MessageSink s = sink;
        long held = heldInMemory(s);
        synchronized (unconfirmed) {
            if (held == 0) {
                unconfirmed.clear();
            }
            alarmsLeft.addAll(unconfirmed);
        }
        int heldAlarms = alarmsLeft.size();
        List<Outgoing> urgent = new ArrayList<>();
        List<Outgoing> routine = new ArrayList<>();
        if (stuck != null) {
            (stuck.urgent() ? urgent : routine).add(stuck);
        }
        urgent.addAll(handOff.drainUrgent());
        // Unconfirmed pipelined telemetry is kept too (if the store commits it after all, it is sent twice).
        pipelined.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).forEach(o -> {
            if (pipelined.remove(o) != null) {
                routine.add(o);
            }
        });
        routine.addAll(handOff.drainRoutine());
        for (Outgoing o : urgent) {
            entry(o, alarmsLeft);
        }
        for (Outgoing o : routine) {
            entry(o, routineLeft);
        }
        PendingFile f = pendingFile;
        if (alarmsLeft.isEmpty() && routineLeft.isEmpty()) {
            if (f != null && fileToSettle) {
                f.clear(lostUnreported);
            }
            Logger.info("pipeline closed in {} ms: everything handed to the outbox", ms(t0));
            return;
        }
        if (f == null) {
            Logger.error("pipeline closed with {} message(s) not handed to the outbox ({} alarm/event) and no file to"
                    + " keep them: lost", alarmsLeft.size() + routineLeft.size(), alarmsLeft.size());
            return;
        }
        PendingFile.Saved saved = f.save(alarmsLeft, routineLeft, lostUnreported);
        Logger.warn("pipeline closed in {} ms: kept {} alarm/event ({} of them held only in memory by the outbox)"
                + " and {} routine message(s) in {} for the next start", ms(t0), saved.alarmsKept(), heldAlarms,
                saved.routineKept(), f.path());
        if (saved.routineLost() > 0) {
            Logger.warn("pipeline: {} routine message(s) did not fit in {}: lost, reported as lostAtLastShutdown",
                    saved.routineLost(), f.path());
        }
        if (saved.alarmsLost() > 0) {
            Logger.error("pipeline: {} alarm/event message(s) could not be kept in {}: LOST", saved.alarmsLost(),
                    f.path());
        }
    }

    private static void entry(Outgoing o, List<PendingFile.Entry> out) {
        try {
            out.add(new PendingFile.Entry(o.kind(), o.device(), o.priority(), o.body().get()));
        } catch (RuntimeException e) {
            Logger.error(e, "cannot encode {}: dropped", o.what());
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The sink's count of alarms held only in memory; -1 if it cannot say (or there is no sink). */
    private static long heldInMemory(MessageSink s) {
        if (s == null) {
            return -1;
        }
        try {
            return s.heldInMemory();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void trackActive(AlarmEvent e) {
        Set<String> set = activeAlarms.computeIfAbsent(e.device(), d -> new TreeSet<>());
        synchronized (set) {
            if (e.raised()) {
                set.add(e.event());
            } else {
                set.remove(e.event());
            }
        }
    }

    /** Caller holds the lane's monitor. */
    private void flush(String device, Lane lane) {
        flush(device, lane, false);
    }

    /** Caller holds the lane's monitor; {@code force}: over the hand-off's capacity (at close). */
    private void flush(String device, Lane lane, boolean force) {
        lane.polls = 0;
        if (lane.pending.isEmpty()) {
            return;
        }
        int count = lane.pending.size();
        String what = "telemetry " + device + " (" + count + " samples)";
        // Encoded here, on the poll thread (CPU only, ~0.1 ms for 1 000 compact samples): what waits for the pipeline
        // thread and the store is the body, a few bytes per sample, not the Sample objects (~100 bytes each). When
        // commits are slow, 170 queued 1 000-sample messages as objects filled a 64 MB heap's old generation.
        byte[] body;
        try {
            body = BodyEncoder.telemetry(settings.gatewayId(), device, lane.pending, settings.compactBody());
        } catch (RuntimeException e) {
            lane.pending.clear();
            Logger.error(e, "cannot encode {}: dropped", what);
            dropped.incrementAndGet();
            return;
        }
        lane.pending.clear();
        Outgoing o = new Outgoing(MessageKind.TELEMETRY, device, Priority.TELEMETRY.value(), () -> body, false,
                what, false, count);
        if (force) {
            queuedSamples.addAndGet(o.samples());
            handOff.putRoutine(o);
        } else if (queuedSamples.get() + o.samples() > settings.handOffSamples()) {
            countDrop(o.what() + " (" + queuedSamples.get() + " samples waiting)");
        } else if (handOff.offerRoutine(o)) {
            queuedSamples.addAndGet(o.samples());
        } else {
            countDrop(o.what());
        }
    }

    private void countDrop(String what) {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            Logger.warn("pipeline hand-off full: dropped {} (dropped {} routine message(s) so far)", what, n);
        }
    }

    private void runAction(ActionCommand c, int attempt) {
        if (attempt > 1 && !coordinator.isCurrent(c)) {
            return; // a retry, but a newer decision for this output exists: it ran (or runs) on this thread
        }
        actions.incrementAndGet();
        String device = c.action().device();
        String channel = c.action().channel();
        String error = null;
        try {
            writer.write(device, channel, c.value());
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        long t = clock.millis();
        String cause = c.cause().key() + " " + c.cause().state();
        if (error == null) {
            Logger.info("device={} channel={} action {} done (cause {}, attempt {})", device, channel, c.value(),
                    cause, attempt);
        } else {
            actionFailures.incrementAndGet();
            Logger.warn("device={} channel={} action {} failed (cause {}, attempt {}): {}", device, channel,
                    c.value(), cause, attempt, error);
            long delay = actionRetry.delayMs(attempt); // one retry chain per command: the attempt is the count
            try {
                local.schedule(() -> runAction(c, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // closing: the output stays as it is
            }
        }
        // Every success is reported; of a run of failures only the first, so a dead siren does not flood the queue.
        if (error == null || attempt == 1) {
            String err = error;
            handOff.putUrgent(new Outgoing(MessageKind.ALARM, device, Priority.ALARM.value(),
                    () -> BodyEncoder.action(settings.gatewayId(), c, t, attempt, err), true,
                    "action " + device + "/" + channel + "=" + c.value()));
        }
    }

    private byte[] statusBody() {
        List<DeviceHealth> devices = new ArrayList<>(health.get());
        devices.sort((a, b) -> a.device().compareTo(b.device()));
        Map<String, Object> queue;
        try {
            queue = queueStatus.get();
        } catch (RuntimeException e) {
            queue = Map.of("error", String.valueOf(e.getMessage()));
        }
        return BodyEncoder.status(settings.gatewayId(), clock.millis(), devices, activeAlarms(), queue,
                stats().fields());
    }

    /**
     * Hands messages to the sink, urgent first. A refusal pauses only its own lane (back-off 100 ms doubling to
     * 5 s): an alarm arriving while telemetry waits for its retry is taken at once. While stopping, a refusal ends
     * the drain: what is left goes to the pending file rather than waiting for a disk that is full.
     */
    private void workerLoop() {
        Backoff urgentRetry = new Backoff(SINK_RETRY_MIN_MS, SINK_RETRY_MAX_MS);
        Backoff routineRetry = new Backoff(SINK_RETRY_MIN_MS, SINK_RETRY_MAX_MS);
        long urgentNotBefore = Long.MIN_VALUE;
        long routineNotBefore = Long.MIN_VALUE;
        long nextHeldCheck = System.nanoTime();
        while (true) {
            if (stopping && (handOff.size() == 0 || System.nanoTime() > drainDeadline)) {
                return;
            }
            Outgoing o;
            // With the commit pipeline full, take only urgent items (an alarm must not wait behind a free slot).
            long routineFrom = routineNotBefore;
            if (pipelineSlots.availablePermits() == 0) {
                long soon = System.nanoTime() + 1_000_000;
                if (routineNotBefore == Long.MIN_VALUE || soon - routineNotBefore > 0) {
                    routineFrom = soon;
                }
            }
            try {
                // A routine message is taken only once the previous one is sealed and handed to the sink (one at a
                // time, so that a refusal puts it back at the head before the next is taken, as on this thread).
                o = handOff.poll(200, TimeUnit.MILLISECONDS, urgentNotBefore, routineFrom, sealingIdle);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - nextHeldCheck >= 0) {
                nextHeldCheck = System.nanoTime() + HELD_CHECK_NS;
                confirmHeld();
            }
            // A pipelined refusal arrives on the store's thread, after the message counted as handed over: the lane
            // backs off here, and a commit resets the back-off (a hand-over does not, or it would never grow).
            if (routineRefused) {
                routineRefused = false;
                routineCommitted = false;
                routineNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(routineRetry.nextDelayMs());
                if (o != null && !o.urgent()) {
                    // Taken in the same instant the refused message came back (its return woke the poll): it waits.
                    long order = handOff.orderOfLastPolled();
                    handOff.returnRoutine(o, order >= 0 ? order : ++routineTaken);
                    o = null;
                }
            } else if (routineCommitted) {
                routineCommitted = false;
                routineRetry.reset();
            }
            if (o == null) {
                continue;
            }
            queuedSamples.addAndGet(-o.samples());
            inHand = o;
            long taken = 0;
            if (!o.urgent()) {
                long before = handOff.orderOfLastPolled();
                taken = before >= 0 ? before : ++routineTaken;
            }
            boolean viaPipeline = !o.urgent() && pipelines(o);
            boolean done = deliver(o, taken);
            if (done) {
                inHand = null;
                if (o.urgent()) {
                    urgentRetry.reset();
                    urgentNotBefore = Long.MIN_VALUE;
                } else if (!viaPipeline) {
                    routineRetry.reset();
                    routineNotBefore = Long.MIN_VALUE;
                }
                continue;
            }
            // Not accepted: keep it at the head of its lane; only that lane waits before trying again.
            if (o.urgent()) {
                handOff.returnUrgent(o);
            } else {
                queuedSamples.addAndGet(o.samples());
                handOff.returnRoutine(o, taken);
            }
            inHand = null;
            if (stopping) {
                return;
            }
            if (o.urgent()) {
                urgentNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(urgentRetry.nextDelayMs());
            } else {
                routineNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(routineRetry.nextDelayMs());
            }
        }
    }

    /** Forgets the remembered alarms once the sink holds none in memory; settles the pending file. */
    private void confirmHeld() {
        boolean any;
        synchronized (unconfirmed) {
            any = !unconfirmed.isEmpty();
        }
        if (any && heldInMemory(sink) == 0) {
            synchronized (unconfirmed) {
                unconfirmed.clear();
            }
            any = false;
        }
        PendingFile f = pendingFile;
        if (f != null && fileToSettle && !any && replayOutstanding.get() == 0 && !stopping) {
            f.clear(lostUnreported);
            fileToSettle = lostUnreported > 0;
        }
    }

    /** After an alarm was accepted: remember it while the sink holds alarms only in memory. */
    private void noteAlarm(MessageSink s, Outgoing o, byte[] body) {
        long held = heldInMemory(s);
        synchronized (unconfirmed) {
            if (held == 0) {
                unconfirmed.clear();
                return;
            }
            unconfirmed.addLast(new PendingFile.Entry(o.kind(), o.device(), o.priority(), body));
            if (unconfirmed.size() > UNCONFIRMED_LIMIT) {
                unconfirmed.removeFirst();
            }
        }
    }

    private void doneWith(Outgoing o) {
        if (o.replay()) {
            replayOutstanding.decrementAndGet();
        }
    }

    /**
     * Telemetry goes into the sink's commit pipeline ({@link MessageSink#submitAsync}), with at most
     * {@link #PIPELINED} messages unconfirmed. The pipeline thread only takes a slot and hands the message to the
     * {@code pipeline-seal} thread, which encodes and seals it and hands it to the sink: sealing a 1 000-sample
     * message is about a millisecond of CPU, but tens of milliseconds of wall time on a board whose cores a drain
     * keeps busy, and an alarm raised meanwhile is taken by the pipeline thread at once instead of waiting behind
     * it. A message counts as delivered only when its future completes; one the sink refuses goes back to the
     * head of the routine lane (and the lane backs off), exactly as a refused synchronous submit.
     *
     * @return true when the message is in the pipeline, false to retry it now
     */
    private boolean deliverPipelined(MessageSink s, Outgoing o, long taken) {
        try {
            while (!pipelineSlots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                if (stopping) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        pipelined.put(o, taken);
        sealingQueued.incrementAndGet();
        try {
            sealing.execute(() -> {
                try {
                    sealPipelined(s, o, taken);
                } finally {
                    sealingQueued.decrementAndGet();
                    handOff.nudge(); // the pipeline thread may take the next routine message
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) { // closed: the caller keeps it
            sealingQueued.decrementAndGet();
            pipelined.remove(o);
            pipelineSlots.release();
            return false;
        }
        return true;
    }


    /** On the {@code pipeline-seal} thread, in the order the pipeline thread handed messages over. */
    private void sealPipelined(MessageSink s, Outgoing o, long taken) {
        if (!pipelined.containsKey(o)) {
            pipelineSlots.release(); // a shutdown kept it meanwhile
            return;
        }
        java.util.concurrent.CompletableFuture<Long> f;
        try {
            byte[] body;
            try {
                body = o.body().get();
            } catch (RuntimeException e) {
                Logger.error(e, "cannot encode {}: dropped", o.what());
                pipelined.remove(o);
                pipelineSlots.release();
                return;
            }
            f = s.submitAsync(o.kind(), o.device(), o.priority(), body);
        } catch (IllegalArgumentException e) {
            pipelined.remove(o);
            pipelineSlots.release();
            Logger.error("outbox refused {} for good: {}", o.what(), e.getMessage());
            dropped.incrementAndGet();
            return;
        } catch (RuntimeException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        f.whenComplete((seq, failure) -> {
            // On the store's thread (or this one): short, and never throws.
            if (pipelined.remove(o) != null) {
                if (failure == null) {
                    routineCommitted = true;
                    if (o.kind() == MessageKind.TELEMETRY) {
                        telemetryMessages.incrementAndGet();
                    }
                } else {
                    queuedSamples.addAndGet(o.samples());
                    handOff.returnRoutine(o, taken);
                    routineRefused = true;
                    long n = pipelineRefusals.incrementAndGet();
                    if (n == 1 || n % 1000 == 0) {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure;
                        Logger.warn("outbox did not take {}: {}; will retry ({} such refusals so far)", o.what(),
                                cause.getMessage(), n);
                    }
                }
            }
            pipelineSlots.release();
        });
    }

    /** Whether {@link #deliver} hands this message to the commit pipeline rather than waiting for its commit. */
    private boolean pipelines(Outgoing o) {
        boolean routineStatus = o.kind() == MessageKind.STATUS && lostUnreported == 0;
        return (o.kind() == MessageKind.TELEMETRY || routineStatus) && !o.replay() && !stopping;
    }

    /** @return true when done with the message (delivered, or dropped as undeliverable), false to retry */
    private boolean deliver(Outgoing o, long taken) {
        MessageSink s = sink;
        if (s == null) {
            return false;
        }
        // Telemetry, and status that carries no lost count, go into the commit pipeline: the pipeline thread never
        // waits for a routine commit, so an alarm behind a status message (every second in the benchmark) does not
        // wait for that message's fsync as well as its own while a drain keeps the store busy.
        if (pipelines(o)) {
            return deliverPipelined(s, o, taken);
        }
        // A routine message taken here finds the seal thread idle (the routine lane is taken only then), so it is
        // stored after the ones before it.
        byte[] body;
        try {
            body = o.body().get();
        } catch (RuntimeException e) {
            Logger.error(e, "cannot encode {}: dropped", o.what());
            doneWith(o);
            return true;
        }
        try {
            long seq = s.submit(o.kind(), o.device(), o.priority(), body);
            doneWith(o);
            if (o.urgent()) {
                noteAlarm(s, o, body);
            }
            if (o.kind() == MessageKind.STATUS && lostUnreported > 0 && !o.replay()) {
                lostUnreported = 0; // carried by this status message; the pending file forgets it when settled
                fileToSettle = pendingFile != null;
            }
            if (o.kind() == MessageKind.TELEMETRY) {
                telemetryMessages.incrementAndGet();
            } else {
                // Alarms, events and status are rare enough to log; telemetry is counted, not logged (SD card).
                Logger.info("submitted {} seq={} bytes={}", o.what(), seq, body.length);
            }
            return true;
        } catch (IllegalArgumentException e) {
            // The sink says this message can never be taken (too large, bad id): retrying would block the rest.
            Logger.error("outbox refused {} for good: {}", o.what(), e.getMessage());
            if (!o.urgent()) {
                dropped.incrementAndGet();
            }
            doneWith(o);
            return true;
        } catch (RuntimeException e) {
            Logger.warn("outbox did not take {}: {}; will retry", o.what(), e.getMessage());
            return false;
        }
    }
}
