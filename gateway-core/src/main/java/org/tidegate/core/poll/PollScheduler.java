package org.tidegate.core.poll;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * Runs one device's poll at a fixed rate on the gateway's shared poll threads ({@link PollThreads}), so that one
 * slow or dead device does not hold up another while 50 devices do not cost 50 threads: a poll that waits for a
 * worker longer than {@link PollThreads#STALL_MS} ms (the workers are blocked on devices that time out, or cannot keep
 * up) makes the pool grow by one, up to one worker per device.
 *
 * <p>Ticks are computed from the start time ({@code start + k * interval}), not from the end of the
 * previous poll, so the schedule does not drift. A poll that overruns its interval does not cause a
 * burst of catch-up polls: the ticks it covered are skipped and counted. A device has at most one poll queued or
 * running at any time.
 *
 * <p>{@link #runSoon} runs a task on the poll's worker between two polls (a connection restart: nothing else touches
 * the device meanwhile), then polls at once and counts the schedule from there.
 */
public final class PollScheduler implements AutoCloseable {
    private final String name;
    private final long intervalNanos;
    private final Runnable poll;
    private final org.tidegate.core.health.Heartbeat heartbeat;
    private final PollThreads threads;
    private final AtomicLong skippedTicks = new AtomicLong();
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> tasks =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long start; // the poll task's own (one poll at a time), like tick
    private long tick;
    private volatile boolean running = true;
    private boolean polling; // guarded by this
    private ScheduledFuture<?> next; // guarded by this

    private PollScheduler(String name, Duration interval, Runnable poll, org.tidegate.core.health.Heartbeat heartbeat,
                          PollThreads threads) {
        this.heartbeat = Objects.requireNonNull(heartbeat);
        this.name = Objects.requireNonNull(name);
        this.intervalNanos = interval.toNanos();
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("poll interval must be positive: " + interval);
        }
        this.poll = Objects.requireNonNull(poll);
        this.threads = Objects.requireNonNull(threads);
        this.start = System.nanoTime();
    }

    /** Starts polling now, then every {@code interval}. */
    public static PollScheduler start(String name, Duration interval, Runnable poll) {
        return start(name, interval, poll, org.tidegate.core.health.Heartbeat.NONE);
    }

    /** As {@link #start(String, Duration, Runnable)}, beating {@code heartbeat} after every poll. */
    public static PollScheduler start(String name, Duration interval, Runnable poll,
                                      org.tidegate.core.health.Heartbeat heartbeat) {
        return start(name, interval, poll, heartbeat, PollThreads.shared());
    }

    static PollScheduler start(String name, Duration interval, Runnable poll,
                               org.tidegate.core.health.Heartbeat heartbeat, PollThreads threads) {
        PollScheduler s = new PollScheduler(name, interval, poll, heartbeat, threads);
        threads.joined();
        s.dispatch();
        return s;
    }

    public long skippedTicks() {
        return skippedTicks.get();
    }

    /**
     * Runs {@code task} before the next poll, as soon as the poll in progress (if any) has finished, then polls at
     * once; the ticks after that poll are counted from it. A task still queued when the scheduler closes is not run.
     */
    public void runSoon(Runnable task) {
        tasks.add(Objects.requireNonNull(task));
        synchronized (this) {
            if (!running || polling) {
                return; // the poll in progress hands over to it when it finishes
            }
            if (next != null) {
                next.cancel(false);
            }
        }
        dispatch();
    }

    /** @return whether any task ran */
    private boolean runTasks() {
        boolean ran = false;
        for (Runnable t; (t = tasks.poll()) != null; ) {
            ran = true;
            try {
                t.run();
            } catch (RuntimeException e) {
                Logger.error(e, "device={} task on the poll thread failed", name);
            }
        }
        return ran;
    }

    /** On the timer (or the starting thread): hands the due poll to a worker. */
    private void dispatch() {
        synchronized (this) {
            if (!running) {
                return;
            }
            polling = true;
        }
        threads.execute(this::pollOnce);
    }

    /** On a worker: one poll, then the next due tick on the timer (ticks already past are skipped and counted). */
    private void pollOnce() {
        try {
            if (running && runTasks()) {
                start = System.nanoTime(); // poll now, and the schedule goes on from this poll
                tick = 0;
            }
            if (running) {
                poll.run();
            }
        } catch (RuntimeException e) {
            // A poll must never kill the schedule; the device layer reports per-channel errors itself.
            Logger.error(e, "device={} poll failed unexpectedly", name);
        } finally {
            heartbeat.beat();
            long now = System.nanoTime();
            long following = tick + 1;
            long due = start + following * intervalNanos;
            if (due <= now) {
                long behind = (now - start) / intervalNanos + 1;
                skippedTicks.addAndGet(behind - following);
                following = behind;
                due = start + following * intervalNanos;
            }
            tick = following;
            synchronized (this) {
                polling = false;
                if (running) {
                    next = threads.schedule(this::dispatch, tasks.isEmpty() ? due - System.nanoTime() : 0);
                }
                notifyAll();
            }
        }
    }

    /** Stops polling and waits (bounded) for a poll in progress to finish, so nothing is half-done. */
    @Override
    public void close() {
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            tasks.clear();
            if (next != null) {
                next.cancel(false);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (polling) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (polling) {
                Logger.warn("device={} poll did not finish within 5 s of stopping", name);
            }
        }
        threads.left();
    }
}
