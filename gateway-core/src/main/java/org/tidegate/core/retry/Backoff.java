package org.tidegate.core.retry;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Retry delays: exponential from {@code minMs}, doubling per failed attempt, capped at {@code maxMs}, with
 * "equal jitter" (a uniform pick between half the step and the whole step) so that a fleet of gateways that
 * lost the broker together do not come back in lock-step (and devices on one bus do not retry in step). Never
 * gives up.
 *
 * <p>Two ways to use it. A thread that sleeps between attempts asks {@link #nextDelayMs()} after each failure
 * and calls {@link #reset()} after a success. Code that must not sleep (a poll thread that finds its connection
 * down) uses it as a gate: {@link #failed(long)} after a failure, {@link #mayAttempt(long)} before trying again,
 * {@link #reset()} after a success. {@link #delayMs(int)} is the delay for a given failure count, for callers
 * that keep the count themselves (one retry chain per local action).
 *
 * <p>Not thread-safe: one instance per retrying thing, used under its owner's lock or by one thread.
 */
public final class Backoff {
    private final long minMs;
    private final long maxMs;
    private final LongUnaryOperator random;
    private int attempt;
    private long nextAttemptAt;

    /** @throws IllegalArgumentException unless {@code 1 <= minMs <= maxMs} */
    public Backoff(long minMs, long maxMs) {
        this(minMs, maxMs, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /**
     * For tests: {@code random.applyAsLong(n)} must return a value in {@code [0, n)}.
     */
    public Backoff(long minMs, long maxMs, LongUnaryOperator random) {
        if (minMs < 1 || maxMs < minMs) {
            throw new IllegalArgumentException("need 1 <= min <= max, got min=" + minMs + " max=" + maxMs);
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.random = Objects.requireNonNull(random);
    }

    public long minMs() {
        return minMs;
    }

    public long maxMs() {
        return maxMs;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public long nextDelayMs() {
        attempt = attempt == Integer.MAX_VALUE ? attempt : attempt + 1;
        return delayMs(attempt);
    }

    /**
     * The jittered delay after the {@code failures}-th failure in a row (1 = the first): a pick in
     * {@code [step/2, step]} where {@code step = min(maxMs, minMs * 2^(failures-1))}. Does not change the count.
     */
    public long delayMs(int failures) {
        return jitter(step(failures));
    }

    /**
     * {@link #delayMs(int)} with the step capped at {@code capMs} (not below 1) instead of {@code maxMs}: the same
     * schedule, made more urgent for a while — the uplink uses it while alarms wait for the broker to come back,
     * so that they do not wait for a step meant for a broker that is down for days. Does not change the count.
     */
    public long delayMs(int failures, long capMs) {
        return jitter(Math.max(1, Math.min(capMs, step(failures))));
    }

    /** The un-jittered step after the {@code failures}-th failure in a row (the upper bound of {@link #delayMs}). */
    public long step(int failures) {
        int doublings = Math.max(0, failures - 1);
        if (doublings >= 62) {
            return maxMs;
        }
        long step = Math.min(maxMs, minMs << Math.min(doublings, 40));
        return step < 0 ? maxMs : step;
    }

    /** The delay after a refusal that will not cure itself quickly (credentials, certificates): near the cap. */
    public long slowDelayMs() {
        attempt = attempt == Integer.MAX_VALUE ? attempt : attempt + 1;
        return Math.max(minMs, jitter(maxMs));
    }

    /** Failures counted since the last {@link #reset()}. */
    public int failures() {
        return attempt;
    }

    /** After a success (a connection that held): start again from {@code minMs}. */
    public void reset() {
        attempt = 0;
    }

    /** Gate use: counts a failure at {@code nowNanos} ({@link System#nanoTime()}) and closes the gate for the next delay. */
    public long failed(long nowNanos) {
        long delay = nextDelayMs();
        nextAttemptAt = nowNanos + delay * 1_000_000L;
        return delay;
    }

    /** Gate use: true if nothing failed since the last reset, or the delay after the last failure has passed. */
    public boolean mayAttempt(long nowNanos) {
        return attempt == 0 || nowNanos - nextAttemptAt >= 0;
    }

    /** Gate use: milliseconds until {@link #mayAttempt} turns true (0 if it is). */
    public long remainingMillis(long nowNanos) {
        return attempt == 0 ? 0 : Math.max(0, (nextAttemptAt - nowNanos) / 1_000_000L);
    }

    private long jitter(long step) {
        long half = step / 2;
        return half + random.applyAsLong(step - half + 1);
    }

    @Override
    public String toString() {
        return "Backoff[" + minMs + "…" + maxMs + " ms, failures=" + attempt + "]";
    }
}
