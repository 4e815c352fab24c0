package org.tidegate.core.poll;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/**
 * The threads every device's {@link PollScheduler} runs on: one timer thread that only hands due polls over, and a
 * pool of workers that run them. A thread per device cost ~100 KB of stack and the JVM's per-thread structures each
 * (85 threads in a 50-device gateway); a Modbus TCP poll spends most of its time waiting for a reply on loopback or
 * Ethernet, so a few workers keep up with many devices.
 *
 * <p>A poll that has waited for a worker longer than {@value #STALL_MS} ms means the workers cannot keep up: they are
 * blocked on devices that time out, or the devices answer slowly for the rate asked (a poll is mostly waiting for a
 * reply, so the workers needed are polls per second × reply time). The pool then grows by one worker (checked at
 * every hand-over and every {@value #CHECK_MS} ms, at most one step per check), up to one per device, so a dead
 * device delays another by a fraction of a second at most, once; after {@value #SHRINK_SECONDS} s without such a wait
 * * it shrinks by one. Idle workers end after {@value #IDLE_SECONDS} s.
 */
final class PollThreads {
    /** Workers to begin with (and never fewer while devices poll). */
    static final int BASE_WORKERS = 2;
    /** A poll waiting this long for a worker adds one. */
    static final long STALL_MS = 20;
    private static final long CHECK_MS = 100;
    private static final long IDLE_SECONDS = 60;
    private static final long SHRINK_SECONDS = 60;
    private static PollThreads shared;

    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor workers;
    private final LinkedBlockingQueue<Runnable> waiting = new LinkedBlockingQueue<>();
    private final AtomicInteger devices = new AtomicInteger();
    private final AtomicInteger grown = new AtomicInteger();
    private volatile long lastStall = System.nanoTime();
    private long lastGrowth; // guarded by this

    PollThreads() {
        AtomicInteger n = new AtomicInteger();
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "poll-timer"));
        timer.setRemoveOnCancelPolicy(true);
        workers = new ThreadPoolExecutor(BASE_WORKERS, BASE_WORKERS, IDLE_SECONDS, TimeUnit.SECONDS, waiting,
                r -> daemon(r, "poll-" + n.incrementAndGet()));
        workers.allowCoreThreadTimeOut(true);
        timer.scheduleWithFixedDelay(this::checkStall, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** The gateway's one set of poll threads (daemon threads, made on first use). */
    static synchronized PollThreads shared() {
        if (shared == null) {
            shared = new PollThreads();
        }
        return shared;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void joined() {
        devices.incrementAndGet();
    }

    void left() {
        devices.decrementAndGet();
    }

    /** Runs a due poll on a worker. */
    void execute(Runnable poll) {
        workers.execute(new Queued(poll, System.nanoTime()));
        checkStall();
    }

    ScheduledFuture<?> schedule(Runnable dispatch, long delayNanos) {
        return timer.schedule(dispatch, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Stops both executors (tests: the shared instance lives as long as the gateway). */
    void shutdown() {
        timer.shutdownNow();
        workers.shutdownNow();
    }

    /** Current number of worker threads (tests, status). */
    int workerThreads() {
        return workers.getPoolSize();
    }

    int maxWorkers() {
        return workers.getMaximumPoolSize();
    }

    /**
     * At every hand-over and every {@value #CHECK_MS} ms: grow by one if the oldest waiting poll waited too long;
     * shrink by one after a quiet while.
     */
    private synchronized void checkStall() {
        Runnable head = waiting.peek();
        long now = System.nanoTime();
        int size = workers.getCorePoolSize();
        if (head instanceof Queued q && now - q.queuedAt > TimeUnit.MILLISECONDS.toNanos(STALL_MS)
                && now - lastGrowth >= TimeUnit.MILLISECONDS.toNanos(CHECK_MS)) {
            lastGrowth = now;
            lastStall = now;
            int limit = Math.max(BASE_WORKERS, devices.get());
            if (size < limit) {
                workers.setMaximumPoolSize(size + 1);
                workers.setCorePoolSize(size + 1);
                int g = grown.incrementAndGet();
                if (g == 1 || g % 10 == 0) {
                    Logger.info("poll threads: a poll waited {} ms for a worker: {} workers now ({} devices)",
                            (now - q.queuedAt) / 1_000_000, size + 1, devices.get());
                }
            }
        } else if (size > BASE_WORKERS && now - lastStall > TimeUnit.SECONDS.toNanos(SHRINK_SECONDS)) {
            lastStall = now;
            workers.setCorePoolSize(size - 1);
            workers.setMaximumPoolSize(size - 1);
        }
    }

    private final class Queued implements Runnable {
        final Runnable poll;
        final long queuedAt;

        Queued(Runnable poll, long queuedAt) {
            this.poll = poll;
            this.queuedAt = queuedAt;
        }

        @Override
        public void run() {
            poll.run();
        }
    }
}
