package org.tidegate.core.log;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Log lines that an outsider can trigger (refused frames, junk), limited per key with a token bucket
 * ({@link TokenBuckets}): {@code burst} lines at once, then {@code perSecond}. A line that is let through after
 * others of its key were suppressed says how many: {@code … [42 similar lines suppressed]}. Totals of written and
 * suppressed lines are kept for status and tests. Messages use tinylog's {@code {}} placeholders. Thread-safe.
 *
 * <pre>
 * private static final RateLimitedLog REFUSALS = new RateLimitedLog(1, 10);
 * REFUSALS.warn(reason.name(), "uplink: command refused: reason={} sender={}", reason, sender);
 * </pre>
 */
public final class RateLimitedLog {
    /** Where lines go: tinylog unless a test says otherwise. */
    @FunctionalInterface
    public interface Sink {
        void log(Level level, String format, Object... args);
    }

    public enum Level { INFO, WARN, ERROR }

    /** tinylog, the project's one logging back end. */
    public static final Sink TINYLOG = (level, format, args) -> {
        switch (level) {
            case INFO -> org.tinylog.Logger.info(format, args);
            case WARN -> org.tinylog.Logger.warn(format, args);
            case ERROR -> org.tinylog.Logger.error(format, args);
        }
    };

    private final TokenBuckets buckets;
    private final Sink sink;
    private final Map<String, Long> pending = new HashMap<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    /** @param perSecond lines per second and key once the burst is used up */
    public RateLimitedLog(double perSecond, int burst) {
        this(perSecond, burst, TINYLOG, System::nanoTime);
    }

    public RateLimitedLog(double perSecond, int burst, Sink sink, LongSupplier nanoClock) {
        this.buckets = new TokenBuckets(perSecond, burst, nanoClock);
        this.sink = sink;
    }

    /** @return whether the line was written */
    public boolean info(String key, String format, Object... args) {
        return log(Level.INFO, key, format, args);
    }

    public boolean warn(String key, String format, Object... args) {
        return log(Level.WARN, key, format, args);
    }

    public boolean error(String key, String format, Object... args) {
        return log(Level.ERROR, key, format, args);
    }

    public boolean log(Level level, String key, String format, Object... args) {
        long skipped;
        synchronized (this) {
            if (!buckets.tryAcquire(key)) {
                pending.merge(key, 1L, Long::sum);
                suppressed.incrementAndGet();
                return false;
            }
            Long p = pending.remove(key);
            skipped = p == null ? 0 : p;
        }
        written.incrementAndGet();
        if (skipped == 0) {
            sink.log(level, format, args);
        } else {
            Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
            all[args.length] = skipped;
            sink.log(level, format + " [{} similar lines suppressed]", all);
        }
        return true;
    }

    /** Lines written so far. */
    public long written() {
        return written.get();
    }

    /** Lines suppressed so far. */
    public long suppressed() {
        return suppressed.get();
    }
}
