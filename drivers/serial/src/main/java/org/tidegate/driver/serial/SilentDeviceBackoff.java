package org.tidegate.driver.serial;

import java.util.Locale;
import java.util.function.Supplier;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.retry.Backoff;
import org.tinylog.Logger;

/**
 * The rule for a device on a shared line that stops answering, one rule for every protocol there: after
 * {@value #FAILED_POLLS_BEFORE_BACKOFF} polls in a row without any answer (timeout, noise, CRC errors) it is asked
 * less often, through a core {@link Backoff} from its poll interval up to {@value #BACKOFF_POLLS} poll intervals
 * (at most {@value #BACKOFF_MAX_MS} ms), and each request once, without retries, so that it takes little of the line
 * from its neighbours. Any answer (even an error reply) resets it. A poll that finds it not due asks nothing and
 * fails with the last failure's reason ({@link #skipping}).
 *
 * <p>Not thread-safe: the device session's poll, under its lock.
 *
 * @param <F> the session's failure (its status and message)
 */
public final class SilentDeviceBackoff<F extends Exception> {
    public static final int FAILED_POLLS_BEFORE_BACKOFF = 3;
    /** A failing device is asked at least once every this many poll intervals ... */
    public static final int BACKOFF_POLLS = 4;
    /** ... and at least once a minute. */
    public static final long BACKOFF_MAX_MS = 60_000;

    private final Backoff backoff;
    private final Supplier<String> who;
    private int failedPollsInRow;
    private F lastFailure;

    /**
     * @param pollIntervalMillis the device's poll interval: the back-off starts there
     * @param who                the device for log lines, e.g. {@code device=em-1 meter=123456789012} (asked only
     *                           when a line is written)
     */
    public SilentDeviceBackoff(long pollIntervalMillis, Supplier<String> who) {
        this.who = who;
        long min = Math.max(1, pollIntervalMillis);
        this.backoff = new Backoff(min, Math.max(min, Math.min(BACKOFF_MAX_MS, BACKOFF_POLLS * min)));
    }

    /** Whether the device is backed off: its requests are tried once. */
    public boolean backingOff() {
        return failedPollsInRow >= FAILED_POLLS_BEFORE_BACKOFF;
    }

    /** Attempts per request for this poll: {@code attempts}, or 1 while backed off. */
    public int tries(int attempts) {
        return backingOff() ? 1 : attempts;
    }

    /**
     * The last failure if this poll must ask nothing (backed off and not due), else null; {@link #note} says why
     * for the channels' detail.
     */
    public F skipping(long nowNanos) {
        return backingOff() && !backoff.mayAttempt(nowNanos) ? lastFailure : null;
    }

    /** What a skipped poll adds to the last failure's message. */
    public String note(long nowNanos) {
        return " (backing off after " + failedPollsInRow + " failed polls, next attempt in "
                + backoff.remainingMillis(nowNanos) + " ms)";
    }

    /**
     * After a poll that asked: an answer, or no failure, resets the count; a failure without any answer counts,
     * unless the line itself was missing ({@link ReadStatus#NOT_CONNECTED}: the port or connection has a back-off
     * of its own).
     *
     * @param failure the poll's first failure, null if none
     * @param status  its status
     */
    public void polled(boolean answered, F failure, ReadStatus status) {
        if (answered || failure == null) {
            if (backingOff()) {
                Logger.info("{} answering again after {} failed polls", who.get(), failedPollsInRow);
            }
            failedPollsInRow = 0;
            lastFailure = null;
            backoff.reset();
            return;
        }
        if (status == ReadStatus.NOT_CONNECTED) {
            return;
        }
        lastFailure = failure;
        failedPollsInRow++;
        if (backingOff()) {
            long delay = backoff.failed(System.nanoTime());
            if (failedPollsInRow == FAILED_POLLS_BEFORE_BACKOFF) {
                Logger.warn("{} failed {} polls in a row ({}): asking it less often (first wait {} ms, at most {} ms) and without retries",
                        who.get(), failedPollsInRow, status.name().toLowerCase(Locale.ROOT), delay, backoff.maxMs());
            }
        }
    }
}
