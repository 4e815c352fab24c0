package org.tidegate.driver.gpio.internal;

/**
 * Software debounce of one digital line, lock-out style: the first change of the raw level is accepted at once
 * (an alarm must not wait), then further raw changes are ignored for the debounce window. When the window is
 * over, the logical state settles to the last raw level seen, so a bounce that ended on the other level is not
 * lost. Activations (inactive to active edges) are counted, which is how rain-gauge tips are counted.
 *
 * <p>Pure logic, no clock of its own: callers pass monotonic nanosecond timestamps, so tests are deterministic.
 * Thread-safe: pin events and polls may arrive on different threads.
 */
final class Debouncer {
    private final long windowNanos;
    private boolean logical;
    private boolean lastRaw;
    private long lastChangeAt;
    private boolean changedOnce;
    private long activations;
    /** Latest time seen: callers read the clock before taking the lock, so times may arrive slightly out of order. */
    private long latest = Long.MIN_VALUE;

    /**
     * @param windowNanos debounce window; 0 accepts every raw change
     * @param initial     the logical (and raw) state at start
     */
    Debouncer(long windowNanos, boolean initial) {
        if (windowNanos < 0) {
            throw new IllegalArgumentException("negative debounce window");
        }
        this.windowNanos = windowNanos;
        this.logical = initial;
        this.lastRaw = initial;
    }

    /**
     * Feeds a raw level observed at {@code now} (a pin event, or the level read at poll time).
     *
     * @return the number of logical edges this observation accepted: 0, 1, or 2 when an edge that settled
     *         after an earlier window and the new level's edge are both accepted
     */
    synchronized int observe(boolean raw, long now) {
        now = monotonic(now);
        int edges = settleLocked(now);
        lastRaw = raw;
        if (raw != logical && windowOver(now)) {
            flip(raw, now);
            edges++;
        }
        return edges;
    }

    /**
     * Applies a pending level once the window is over, without a new observation (called at poll time).
     *
     * @return edges accepted, 0 or 1
     */
    synchronized int settle(long now) {
        return settleLocked(monotonic(now));
    }

    private long monotonic(long now) {
        if (now < latest) {
            return latest;
        }
        latest = now;
        return now;
    }

    synchronized boolean active() {
        return logical;
    }

    /** Inactive-to-active edges accepted so far. */
    synchronized long activations() {
        return activations;
    }

    private int settleLocked(long now) {
        if (lastRaw != logical && windowOver(now)) {
            // The level changed during the window and stayed: it took effect when the window closed.
            flip(lastRaw, changedOnce ? Math.min(now, lastChangeAt + windowNanos) : now);
            return 1;
        }
        return 0;
    }

    private boolean windowOver(long now) {
        return !changedOnce || now - lastChangeAt >= windowNanos;
    }

    private void flip(boolean to, long at) {
        logical = to;
        lastChangeAt = at;
        changedOnce = true;
        if (to) {
            activations++;
        }
    }
}
