package org.tidegate.driver.modbus.internal;

/**
 * Reconnect pacing: after a failed connect, wait 100 ms, doubling up to a cap (the device's poll interval), so that
 * a dead endpoint is not hammered and a returning one is found within one poll interval.
 */
final class Backoff {
    private static final long FIRST_NANOS = 100_000_000L;
    private final long maxNanos;
    private long currentNanos;
    private long nextAttemptAt;

    Backoff(long maxMillis) {
        this.maxNanos = Math.max(FIRST_NANOS, maxMillis * 1_000_000L);
    }

    boolean mayAttempt(long now) {
        return currentNanos == 0 || now - nextAttemptAt >= 0;
    }

    long remainingMillis(long now) {
        return Math.max(0, (nextAttemptAt - now) / 1_000_000L);
    }

    void failed(long now) {
        currentNanos = currentNanos == 0 ? FIRST_NANOS : Math.min(maxNanos, currentNanos * 2);
        nextAttemptAt = now + currentNanos;
    }

    void succeeded() {
        currentNanos = 0;
    }
}
