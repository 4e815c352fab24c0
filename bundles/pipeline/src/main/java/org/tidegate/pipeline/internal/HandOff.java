package org.tidegate.pipeline.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-lane queue between poll threads and the pipeline thread. Urgent items (alarms, action outcomes) are
 * unbounded and always taken first: they are rare and must never be lost. Routine items (telemetry, status)
 * are bounded: when full, {@link #offerRoutine} refuses and the caller counts the drop, so a stalled sink
 * can never block a poll thread or exhaust memory.
 *
 * <p>Each lane can be paused until a point in time ({@link #poll(long, TimeUnit, long, long)}): the pipeline
 * thread pauses the routine lane while the sink refuses routine data, and an urgent item that arrives during
 * that pause is still taken at once — an alarm never waits for a telemetry retry.
 */
public final class HandOff<T> {
    private final ArrayDeque<T> urgent = new ArrayDeque<>();
    private final ArrayDeque<T> routine = new ArrayDeque<>();
    /** Routine items handed back, with the order they were taken in (see {@link #returnRoutine}). */
    private final java.util.Map<T, Long> returned = new java.util.IdentityHashMap<>();
    private long lastPolledOrder = -1; // guarded by lock
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

    /**
     * Puts a routine item back, over capacity if need be (it was already counted in): ahead of every item never
     * taken, and after the items handed back with a lower {@code taken} (the order the taker took them in). Items
     * the taker handed on to other threads come back in any order (several refused at once, each on its own
     * thread); the lane still gives them out again in the order they were first taken.
     */
    public void returnRoutine(T item, long taken) {
        lock.lock();
        try {
            ArrayDeque<T> before = new ArrayDeque<>();
            while (!routine.isEmpty()) {
                Long t = returned.get(routine.peekFirst());
                if (t == null || t > taken) {
                    break;
                }
                before.push(routine.pollFirst());
            }
            routine.addFirst(item);
            returned.put(item, taken);
            while (!before.isEmpty()) {
                routine.addFirst(before.pop());
            }
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Appends a routine item even over capacity (shutdown flush, replay of kept messages: already accepted). */
    public void putRoutine(T item) {
        lock.lock();
        try {
            routine.addLast(item);
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
        return poll(timeout, unit, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /**
     * Next item, urgent first, taking from a lane only once {@link System#nanoTime()} has reached its
     * "not before" time (pass {@link Long#MIN_VALUE} for "now"); routine items are taken only while the urgent lane
     * is empty. Wakes as soon as an item arrives in a lane that is not paused.
     *
     * @return the item, or null if none could be taken within the timeout
     */
    public T poll(long timeout, TimeUnit unit, long urgentNotBefore, long routineNotBefore)
            throws InterruptedException {
        return poll(timeout, unit, urgentNotBefore, routineNotBefore, () -> true);
    }

    /**
     * As {@link #poll(long, TimeUnit, long, long)}, taking routine items only while {@code routineOpen} says so;
     * whoever changes its answer calls {@link #nudge}.
     */
    public T poll(long timeout, TimeUnit unit, long urgentNotBefore, long routineNotBefore,
                  java.util.function.BooleanSupplier routineOpen) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                if (!urgent.isEmpty()) {
                    if (ready(urgentNotBefore, now)) {
                        return urgent.pollFirst();
                    }
                } else if (!routine.isEmpty() && ready(routineNotBefore, now) && routineOpen.getAsBoolean()) {
                    T item = routine.pollFirst();
                    Long order = returned.remove(item);
                    lastPolledOrder = order == null ? -1 : order;
                    return item;
                }
                long wait = deadline - now;
                if (wait <= 0) {
                    return null;
                }
                if (!urgent.isEmpty()) {
                    wait = Math.min(wait, urgentNotBefore - now);
                } else if (!routine.isEmpty()) {
                    wait = Math.min(wait, routineNotBefore - now);
                }
                notEmpty.awaitNanos(Math.max(wait, 1));
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean ready(long notBefore, long now) {
        return notBefore == Long.MIN_VALUE || now - notBefore >= 0;
    }

    /**
     * The {@code taken} order the last routine item {@link #poll polled} was {@linkplain #returnRoutine returned}
     * with, or -1 if it had not been returned: a taker that gives it its old order again keeps the lane's order
     * however often an item comes back.
     */
    public long orderOfLastPolled() {
        lock.lock();
        try {
            return lastPolledOrder;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #poll} to look at the lanes again (a condition of its caller's changed). */
    public void nudge() {
        lock.lock();
        try {
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every urgent item, oldest first. */
    public List<T> drainUrgent() {
        lock.lock();
        try {
            List<T> out = new ArrayList<>(urgent);
            urgent.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every routine item, oldest first. */
    public List<T> drainRoutine() {
        lock.lock();
        try {
            List<T> out = new ArrayList<>(routine);
            routine.clear();
            returned.clear();
            return out;
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
