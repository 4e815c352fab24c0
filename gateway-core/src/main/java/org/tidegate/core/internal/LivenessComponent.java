package org.tidegate.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.tidegate.core.health.Heartbeat;
import org.tidegate.core.health.Liveness;
import org.tinylog.Logger;

/**
 * The liveness registry, and its verdict for the launcher's watchdog feeder ({@code Supplier<String>}: "" while every
 * watched thread is on time, else the first late one and for how long it has been silent).
 *
 * <p>Test hook: the framework property {@code tidegate.test.stall=NAME} makes the thread registered as NAME block
 * for good in its first {@link Heartbeat#beat()} once {@code tidegate.test.stallAfterMs} (default 0) have passed
 * since registration, as a thread wedged in a library call would; the end-to-end watchdog test uses it.
 */
@Component(service = {Liveness.class, Supplier.class}, property = Liveness.VERDICT_PROPERTY + "=true")
public final class LivenessComponent implements Liveness, Supplier<String> {
    private final Map<Watched, Boolean> watched = new ConcurrentHashMap<>();
    /** Framework (or system) property: cap, in seconds, on the silence any watched thread is allowed. */
    public static final String MAX_SILENCE_PROPERTY = "tidegate.liveness.maxSilenceSeconds";
    private final LongSupplier nanoClock;
    private final long capNanos;
    private final String stall;
    private final long stallAfterNanos;

    @Activate
    public LivenessComponent(org.osgi.framework.BundleContext context) {
        this(System::nanoTime, parse(context.getProperty(MAX_SILENCE_PROPERTY)), context.getProperty("tidegate.test.stall"),
                parse(context.getProperty("tidegate.test.stallAfterMs")));
    }

    /**
     * @param maxSilenceCapSeconds upper bound on every registered thread's allowed silence, 0 = none (framework property
     *                             {@value #MAX_SILENCE_PROPERTY}: a stricter watchdog, and the end-to-end test's)
     */
    LivenessComponent(LongSupplier nanoClock, long maxSilenceCapSeconds, String stall, long stallAfterMs) {
        this.nanoClock = nanoClock;
        this.capNanos = maxSilenceCapSeconds > 0 ? Duration.ofSeconds(maxSilenceCapSeconds).toNanos() : Long.MAX_VALUE;
        this.stall = stall == null || stall.isBlank() ? null : stall.trim();
        this.stallAfterNanos = Duration.ofMillis(stallAfterMs).toNanos();
        if (this.stall != null) {
            Logger.warn("liveness: TEST HOOK tidegate.test.stall={}: that thread will block in its heartbeat", this.stall);
        }
    }

    private static long parse(String ms) {
        try {
            return ms == null ? 0 : Long.parseLong(ms.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Heartbeat register(String name, Duration maxSilence) {
        Watched w = new Watched(name, Math.min(maxSilence.toNanos(), capNanos), name.equals(stall));
        watched.put(w, Boolean.TRUE);
        return w;
    }

    /** "" while every watched thread is on time; else the late ones, e.g. {@code uplink silent for 75 s (limit 60 s)}. */
    @Override
    public String get() {
        long now = nanoClock.getAsLong();
        List<String> late = new ArrayList<>();
        for (Watched w : watched.keySet()) {
            long silent = now - w.last.get();
            if (silent > w.maxSilenceNanos) {
                late.add(w.name + " silent for " + silent / 1_000_000_000 + " s (limit " + w.maxSilenceNanos / 1_000_000_000 + " s)");
            }
        }
        return String.join(", ", late);
    }

    /** How many threads are watched now (names sorted), for the log at start. */
    List<String> names() {
        return watched.keySet().stream().map(w -> w.name).sorted().toList();
    }

    private final class Watched implements Heartbeat {
        final String name;
        final long maxSilenceNanos;
        final boolean stalls;
        final long registeredAt;
        final AtomicLong last;

        Watched(String name, long maxSilenceNanos, boolean stalls) {
            this.name = name;
            this.maxSilenceNanos = maxSilenceNanos;
            this.stalls = stalls;
            this.registeredAt = nanoClock.getAsLong();
            this.last = new AtomicLong(registeredAt);
        }

        @Override
        public void beat() {
            long now = nanoClock.getAsLong();
            if (stalls && now - registeredAt >= stallAfterNanos) {
                Logger.warn("liveness: TEST HOOK: thread {} ({}) stalls now", name, Thread.currentThread().getName());
                Object never = new Object();
                synchronized (never) {
                    while (watched.containsKey(this)) {
                        try {
                            never.wait(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                return;
            }
            last.set(now);
        }

        @Override
        public void close() {
            watched.remove(this);
        }
    }
}
