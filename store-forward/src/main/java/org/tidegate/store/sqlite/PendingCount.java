package org.tidegate.store.sqlite;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many messages can be taken right now, published by the writer thread after every change, so that
 * {@code awaitAvailable} blocks on a condition instead of asking the writer (and the uplink need not spin).
 */
final class PendingCount {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long pending;
    private volatile boolean closed;

    void publish(long n) {
        lock.lock();
        try {
            pending = n;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
