package org.tidegate.core.poll;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.tinylog.Logger;

/**
 * Runs one device's poll at a fixed rate on a thread of its own, so that one slow or dead device never
 * delays another.
 *
 * <p>Ticks are computed from the start time ({@code start + k * interval}), not from the end of the
 * previous poll, so the schedule does not drift. A poll that overruns its interval does not cause a
 * burst of catch-up polls: the ticks it covered are skipped and counted.
 *
 * <p>{@link #runSoon} runs a task on the poll thread between two polls (a connection restart: nothing else touches
 * the device meanwhile), then polls at once and counts the schedule from there.
 */
public final class PollScheduler implements AutoCloseable {
    private final String name;
    private final long intervalNanos;
    private final Runnable poll;
    private final org.tidegate.core.health.Heartbeat heartbeat;
    private final Thread thread;
    private final AtomicLong skippedTicks = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private PollScheduler(String name, Duration interval, Runnable poll, org.tidegate.core.health.Heartbeat heartbeat) {
        this.heartbeat = Objects.requireNonNull(heartbeat);
        this.name = Objects.requireNonNull(name);
        this.intervalNanos = interval.toNanos();
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("poll interval must be positive: " + interval);
        }
        this.poll = Objects.requireNonNull(poll);
        this.thread = new Thread(this::loop, "poll-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts polling now, then every {@code interval}. */
    public static PollScheduler start(String name, Duration interval, Runnable poll) {
        return start(name, interval, poll, org.tidegate.core.health.Heartbeat.NONE);
    }

    /** As {@link #start(String, Duration, Runnable)}, beating {@code heartbeat} after every poll. */
    public static PollScheduler start(String name, Duration interval, Runnable poll,
                                      org.tidegate.core.health.Heartbeat heartbeat) {
        PollScheduler s = new PollScheduler(name, interval, poll, heartbeat);
        s.thread.start();
        return s;
    }

    public long skippedTicks() {
        return skippedTicks.get();
    }

    /**
     * Runs {@code task} on the poll thread as soon as the poll in progress (if any) has finished, then polls at once;
     * the ticks after that poll are counted from it. A task still queued when the scheduler closes is not run.
     */
    public void runSoon(Runnable task) {
        tasks.add(Objects.requireNonNull(task));
        LockSupport.unpark(thread);
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

    private void loop() {
        long start = System.nanoTime();
        long tick = 0;
        while (running) {
            if (runTasks()) {
                start = System.nanoTime(); // poll now, and the schedule goes on from this poll
                tick = 0;
            }
            try {
                poll.run();
            } catch (RuntimeException e) {
                // A poll must never kill the schedule; the device layer reports per-channel errors itself.
                Logger.error(e, "device={} poll failed unexpectedly", name);
            }
            heartbeat.beat();
            long now = System.nanoTime();
            long next = tick + 1;
            long due = start + next * intervalNanos;
            if (due <= now) {
                long behind = (now - start) / intervalNanos + 1;
                skippedTicks.addAndGet(behind - next);
                next = behind;
                due = start + next * intervalNanos;
            }
            tick = next;
            // Sleep until the tick is due, or a task arrives (runSoon unparks), or close() interrupts.
            for (long wait = due - System.nanoTime(); wait > 0 && running && tasks.isEmpty();
                 wait = due - System.nanoTime()) {
                LockSupport.parkNanos(this, wait);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }

    /** Stops polling and waits (bounded) for a poll in progress to finish, so nothing is half-done. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            Logger.warn("device={} poll thread did not stop within 5 s", name);
        }
        tasks.clear();
    }
}
