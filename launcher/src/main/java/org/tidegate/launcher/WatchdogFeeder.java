package org.tidegate.launcher;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * Feeds the service manager's watchdog ({@code WATCHDOG=1}) every third of {@code WATCHDOG_USEC}, but only while the
 * gateway's liveness verdict is empty: every watched thread (each device's poll, the store writer, the uplink) made
 * progress within its limit. A wedged thread stops the feeding; systemd then kills the gateway (SIGABRT) and, with
 * {@code Restart=on-failure}, starts a fresh one. The verdict comes from the gateway-core bundle's liveness registry
 * ({@code org.tidegate.core.health}); no verdict at all (that bundle gone) also stops the feeding.
 */
final class WatchdogFeeder implements AutoCloseable {
    private final SystemdNotifier notifier;
    private final Supplier<String> verdict;
    private final Duration every;
    private final AtomicLong fed = new AtomicLong();
    private final AtomicLong withheld = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tidegate-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastVerdict = "";

    /**
     * @param verdict "" while alive, else what is late; null (no registry) counts as late
     * @param every   how often to feed: a third of the service manager's watchdog timeout
     */
    WatchdogFeeder(SystemdNotifier notifier, Supplier<String> verdict, Duration every) {
        this.notifier = notifier;
        this.verdict = verdict;
        this.every = every;
    }

    /**
     * The feeding interval the service manager asks for: a third of {@code WATCHDOG_USEC}, or null when it asks for
     * none (no watchdog, or {@code WATCHDOG_PID} names another process).
     */
    static Duration interval(String watchdogUsec, String watchdogPid, long ownPid) {
        if (watchdogUsec == null || watchdogUsec.isBlank()) {
            return null;
        }
        if (watchdogPid != null && !watchdogPid.isBlank() && !watchdogPid.trim().equals(String.valueOf(ownPid))) {
            return null;
        }
        try {
            long usec = Long.parseLong(watchdogUsec.trim());
            return usec <= 0 ? null : Duration.ofNanos(usec * 1000 / 3);
        } catch (NumberFormatException e) {
            Logger.warn("watchdog: WATCHDOG_USEC={} is not a number: not feeding", watchdogUsec);
            return null;
        }
    }

    WatchdogFeeder start() {
        Logger.info("watchdog: feeding the service manager every {} ms while poll, store and uplink threads progress",
                every.toMillis());
        timer.scheduleAtFixedRate(this::tick, 0, every.toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    void tick() {
        String v;
        try {
            v = verdict.get();
        } catch (RuntimeException e) {
            v = "liveness registry failed: " + e;
        }
        if (v == null) {
            v = "no liveness registry (gateway-core not running)";
        }
        if (v.isEmpty()) {
            if (!lastVerdict.isEmpty()) {
                Logger.info("watchdog: every thread is on time again: feeding resumes");
                notifier.send("STATUS=running");
            }
            lastVerdict = v;
            if (notifier.send("WATCHDOG=1")) {
                fed.incrementAndGet();
            } else if (fed.get() == 0 && withheld.get() == 0) {
                Logger.warn("watchdog: cannot notify the service manager: {}", notifier.lastError());
            }
            return;
        }
        withheld.incrementAndGet();
        if (!v.equals(lastVerdict)) {
            // Said once per change: the service manager's kill follows within its WatchdogSec.
            Logger.error("watchdog: NOT feeding the service manager: {}", v);
            notifier.send("STATUS=watchdog not fed: " + v);
        }
        lastVerdict = v;
    }

    long fed() {
        return fed.get();
    }

    long withheld() {
        return withheld.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
