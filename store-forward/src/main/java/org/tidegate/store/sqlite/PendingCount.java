package org.tidegate.store.sqlite;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many messages (and how many of them alarms) can be taken right now, published by the writer thread after
 * every change, so that {@code awaitAvailable} blocks on a condition instead of asking the writer (and the uplink
 * need not spin), and the uplink learns of a waiting alarm without a round trip to the writer: it is told through
 * its listener the moment the alarm's commit returned.
 */
final class PendingCount {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long pending;
    private volatile long alarms;
    private volatile boolean closed;

    /** @param n messages that can be taken, {@code alarmCount} of them alarms (ALARM_PRIORITY) */
    void publish(long n, long alarmCount) {
        lock.lock();
        try {
            pending = n;
            alarms = alarmCount;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (n > 0) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    org.tinylog.Logger.warn(e, "store: a pending listener failed");
                }
            }
        }
    }

    long alarms() {
        return alarms;
    }

    void addListener(Runnable l) {
        listeners.add(java.util.Objects.requireNonNull(l));
    }

    void removeListener(Runnable l) {
        listeners.remove(l);
    }

    /** From now on waiters return false; call {@link #wakeAll()} once the queue is closed. */
    void markClosed() {
        closed = true;
    }

    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return true if something is pending (and the queue is open) before the timeout passed */
    boolean await(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        lock.lock();
        try {
            while (pending <= 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return pending > 0 && !closed;
        } finally {
            lock.unlock();
        }
    }
}
