package org.tidegate.pipeline.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-lane queue between poll threads and the pipeline thread. Urgent items (alarms, action outcomes) are
 * unbounded and always taken first: they are rare and must never be lost. Routine items (telemetry, status)
 * are bounded: when full, {@link #offerRoutine} refuses and the caller counts the drop, so a stalled sink
 * can never block a poll thread or exhaust memory.
 */
public final class HandOff<T> {
    private final ArrayDeque<T> urgent = new ArrayDeque<>();
    private final ArrayDeque<T> routine = new ArrayDeque<>();
    private final int routineCapacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    public HandOff(int routineCapacity) {
        this.routineCapacity = routineCapacity;
    }

    public void putUrgent(T item) {
        lock.lock();
        try {
            urgent.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Puts an urgent item back at the head (it could not be delivered and will be retried first). */
    public void returnUrgent(T item) {
        lock.lock();
        try {
            urgent.addFirst(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Puts a routine item back at the head, over capacity if need be (it was already counted in). */
    public void returnRoutine(T item) {
        lock.lock();
        try {
            routine.addFirst(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** @return false if the routine lane is full (the item was not queued) */
    public boolean offerRoutine(T item) {
        lock.lock();
        try {
            if (routine.size() >= routineCapacity) {
                return false;
            }
            routine.addLast(item);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Next item, urgent first; null if none arrived within the timeout. */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (urgent.isEmpty() && routine.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return urgent.isEmpty() ? routine.pollFirst() : urgent.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return urgent.size() + routine.size();
        } finally {
            lock.unlock();
        }
    }

    public int urgentSize() {
        lock.lock();
        try {
            return urgent.size();
        } finally {
            lock.unlock();
        }
    }
}
