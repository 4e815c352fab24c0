package org.tidegate.uplink.mqtt;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential from {@code minMs}, doubling per failed attempt, capped at {@code maxMs}, with
 * "equal jitter" (a uniform pick between half the step and the whole step) so that a fleet of gateways that
 * lost the broker together do not come back in lock-step. Never gives up.
 */
public final class Backoff {
    private final long minMs;
    private final long maxMs;
    private int attempt;

    public Backoff(long minMs, long maxMs) {
        if (minMs < 1 || maxMs < minMs) {
            throw new IllegalArgumentException("need 1 <= min <= max");
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public long nextDelayMs() {
        long step = attempt >= 62 ? maxMs : Math.min(maxMs, minMs << Math.min(attempt, 40));
        if (step < 0) {
            step = maxMs;
        }
        attempt++;
        long half = step / 2;
        return half + ThreadLocalRandom.current().nextLong(step - half + 1);
    }

    /** The delay after a refusal that will not cure itself quickly (credentials, certificates): the cap. */
    public long slowDelayMs() {
        attempt++;
        long half = maxMs / 2;
        return Math.max(minMs, half + ThreadLocalRandom.current().nextLong(maxMs - half + 1));
    }

    public int failures() {
        return attempt;
    }

    /** After a connection that held: start again from {@code minMs}. */
    public void reset() {
        attempt = 0;
    }
}
