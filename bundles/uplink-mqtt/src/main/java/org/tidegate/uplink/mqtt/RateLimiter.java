package org.tidegate.uplink.mqtt;

/**
 * A token bucket for the drain rate: {@code ratePerSecond} tokens per second, at most {@code burst} saved up.
 * A rate of 0 means unlimited. Used by one thread (the uplink's session thread).
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public RateLimiter(double ratePerSecond, int burst) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.last = System.nanoTime();
    }

    public boolean unlimited() {
        return ratePerNano == 0;
    }

    /**
     * Takes between 1 and {@code wanted} tokens, waiting (up to {@code maxWaitMs}) for the first one.
     *
     * @return tokens granted; 0 if none became available in time
     */
    public int acquireUpTo(int wanted, long maxWaitMs) throws InterruptedException {
        if (unlimited()) {
            return wanted;
        }
        refill();
        if (tokens < 1) {
            long waitNanos = (long) Math.ceil((1 - tokens) / ratePerNano);
            long sleepMs = Math.min(maxWaitMs, Math.max(1, waitNanos / 1_000_000));
            Thread.sleep(sleepMs);
            refill();
            if (tokens < 1) {
                return 0;
            }
        }
        int granted = (int) Math.min(wanted, Math.floor(tokens));
        tokens -= granted;
        return granted;
    }

    /** Gives back tokens that were granted but not used (fewer messages were pending). */
    public void giveBack(int unused) {
        if (!unlimited() && unused > 0) {
            tokens = Math.min(burst, tokens + unused);
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
        last = now;
    }
}
