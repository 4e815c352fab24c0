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
 * <p>When polls wait for a worker and every worker has been inside its current poll for more than
 * {@value #BLOCKED_MS} ms, the workers are blocked (on devices that time out: a Modbus TCP poll takes milliseconds):
 * the pool grows by one worker (checked at every hand-over and every {@value #CHECK_MS} ms), up to one per device, so
 * a dead device delays another by a fraction of a second at most, once. Polls that merely wait for a CPU (a busy
 * machine) do not grow the pool: more threads would not make them faster. Workers idle for {@value #IDLE_SECONDS} s end; after {@value #SHRINK_MINUTES}
 * minutes without a stall the pool's size goes back down one step.
 */
final class PollThreads {
    /** Workers to begin with (and never fewer while devices poll). */
    static final int BASE_WORKERS = 2;
    /** A worker inside one poll this long is taken as blocked (a timeout, a dead device). */
    static final long BLOCKED_MS = 100;
    private static final long CHECK_MS = 100;
    private static final long IDLE_SECONDS = 60;
    private static final long SHRINK_MINUTES = 5;
    private static PollThreads shared;

    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor workers;
    private final LinkedBlockingQueue<Runnable> waiting = new LinkedBlockingQueue<>();
    private final AtomicInteger devices = new AtomicInteger();
    private final AtomicInteger grown = new AtomicInteger();
    /** When each worker that is inside a poll began it. */
    private final java.util.Map<Thread, Long> busySince = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long lastStall = System.nanoTime();

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
        if (head instanceof Queued q && allBlocked(size, now)) {
            lastStall = now;
            int limit = Math.max(BASE_WORKERS, devices.get());
            if (size < limit) {
                workers.setMaximumPoolSize(size + 1);
                workers.setCorePoolSize(size + 1);
                int g = grown.incrementAndGet();
                if (g == 1 || g % 10 == 0) {
                    Logger.info("poll threads: every worker blocked in a poll for over {} ms and a poll waiting {} ms:"
                            + " {} workers now ({} devices)", BLOCKED_MS, (now - q.queuedAt) / 1_000_000, size + 1,
                            devices.get());
                }
            }
        } else if (size > BASE_WORKERS && now - lastStall > TimeUnit.MINUTES.toNanos(SHRINK_MINUTES)) {
            lastStall = now;
            workers.setCorePoolSize(size - 1);
            workers.setMaximumPoolSize(size - 1);
        }
    }

    private boolean allBlocked(int workersNow, long now) {
        if (busySince.size() < workersNow) {
            return false; // a worker is free (or just finishing): the waiting poll gets it
        }
        long blocked = TimeUnit.MILLISECONDS.toNanos(BLOCKED_MS);
        for (long since : busySince.values()) {
            if (now - since < blocked) {
                return false;
            }
        }
        return true;
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
            Thread me = Thread.currentThread();
            busySince.put(me, System.nanoTime());
            try {
                poll.run();
            } finally {
                busySince.remove(me);
            }
        }
    }
}
