package org.tidegate.store.sqlite;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Completes the futures of a committed batch's appends and acknowledgements on a thread of its own, so the
 * writer goes on to the next transaction instead of waking every caller of the last one.
 *
 * <p>Why: with many blocking appenders, waking them (one unpark each, and whatever callbacks a caller chained
 * to its future) was the writer's work between two commits, on the one thread every append waits for. The
 * writer hands a batch over only when at least half as many requests as it just committed are already waiting
 * for it (another cohort of appenders, whose transaction it can start now); otherwise it completes the batch
 * itself. Handing over whenever anything waits split a few dozen blocking appenders into a big commit and a
 * commit of the few stragglers that missed it (-25% at 64 appenders in an A/B run); completing always left
 * 256 appenders at x0.45-0.74 raw JDBC, against x0.84-1.17 with this rule (round 6 of docs/performance.md).
 * Durability is unchanged: a batch is handed here only after its COMMIT returned, so a completed future still
 * means the message is on disk. Batches complete in commit order: one thread, FIFO, and the writer completes one
 * itself only when nothing handed over is still outstanding. A callback chained to a future may thus run on
 * either thread, and must not block (as before: it then holds up later batches, and the watchdog sees the store
 * stalled, {@link #stalledFor}). What waits here is bounded by what the callers have outstanding: each one waits
 * for its future, or keeps a bounded window of them.
 */
final class Completer {
    private record Committed(List<Request.Append> appends, List<Request.Acknowledge> acks, Runnable last) {}

    private static final Committed END = new Committed(List.of(), List.of(), null);

    private final LinkedBlockingQueue<Committed> committed = new LinkedBlockingQueue<>();
    /** Batches handed over and not yet completed. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Thread thread = new Thread(this::run, "tidegate-store-completer");
    private boolean finished;
    private volatile long lastProgressNanos = System.nanoTime();

    Completer() {
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * True if every batch handed over has completed: the writer may then complete a batch itself without
     * overtaking one still queued here.
     */
    boolean idle() {
        return outstanding.get() == 0;
    }

    /** Hands over a batch whose COMMIT returned; its futures complete after every batch handed over before. */
    void committed(List<Request.Append> appends, List<Request.Acknowledge> acks) {
        if (outstanding.incrementAndGet() == 1) {
            lastProgressNanos = System.nanoTime(); // nothing was waiting: the clock starts now, not at the last batch
        }
        committed.add(new Committed(appends, acks, null));
    }

    /**
     * True if batches are waiting and none has completed for {@code nanos}: a caller's callback blocks this
     * thread. The writer then stops beating its heartbeat, so the service watchdog sees the store stalled, as it
     * did when such a callback ran on the writer itself.
     */
    boolean stalledFor(long nanos) {
        return outstanding.get() > 0 && System.nanoTime() - lastProgressNanos > nanos;
    }

    /** Completes a batch on the caller's thread (the writer's, when it has nothing else to do). */
    static void complete(List<Request.Append> appends, List<Request.Acknowledge> acks) {
        // complete() never throws: a callback's exception goes to the future that callback made.
        for (Request.Append a : appends) {
            a.result.complete(a.id);
        }
        for (Request.Acknowledge a : acks) {
            a.result.complete(null);
        }
    }

    /**
     * Runs {@code last} after every batch handed over before, then ends the thread; later calls do nothing (the
     * writer calls it at close, and again when its loop ends for any reason). Writer thread only.
     */
    void finish(Runnable last) {
        if (finished) {
            return;
        }
        finished = true;
        committed.add(new Committed(List.of(), List.of(), last));
        committed.add(END);
    }

    private void run() {
        while (true) {
            Committed c;
            try {
                c = committed.take();
            } catch (InterruptedException e) {
                return; // only a daemon left behind by a JVM exiting
            }
            if (c == END) {
                return;
            }
            complete(c.appends, c.acks);
            lastProgressNanos = System.nanoTime();
            if (c.last != null) {
                c.last.run();
            } else {
                outstanding.decrementAndGet();
            }
        }
    }
}
