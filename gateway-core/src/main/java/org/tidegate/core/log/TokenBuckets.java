package org.tidegate.core.log;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One token bucket per key: {@code perSecond} tokens a second, at most {@code burst} saved up, each bucket full
 * at first. Keys are meant to be few (refusal reasons, kinds of events); beyond {@link #MAX_KEYS} distinct keys
 * the rest share one bucket, so memory stays bounded whatever the keys are. Thread-safe.
 */
public final class TokenBuckets {
    /** Distinct keys with a bucket of their own. */
    public static final int MAX_KEYS = 256;
    private static final String OVERFLOW = "\u0000other";

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, double[]> buckets = new HashMap<>();

    public TokenBuckets(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (tests pass their own) */
    public TokenBuckets(double perSecond, int burst, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("perSecond must be > 0 and burst >= 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes one token of {@code key}'s bucket: true if there was one. */
    public synchronized boolean tryAcquire(String key) {
        long now = nanoClock.getAsLong();
        String k = buckets.containsKey(key) || buckets.size() < MAX_KEYS ? key : OVERFLOW;
        // bucket = {tokens, last refill time}
        double[] b = buckets.computeIfAbsent(k, x -> new double[] {burst, now});
        b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
        b[1] = now;
        if (b[0] >= 1) {
            b[0] -= 1;
            return true;
        }
        return false;
    }
}
