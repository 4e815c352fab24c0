package org.tidegate.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * How many refused messages get an {@code audit} row of their own. Anyone with publish rights on
 * {@code {prefix}/+/telemetry/+} can send junk as fast as the broker takes it; a row per refusal would let them fill
 * the database. So rows are rate-limited by token buckets: one per (reason, gateway id in the topic), {@code burstPerKey}
 * rows at once then {@code rowsPerSecondPerKey}, and all keys together at most {@code burst} rows at once then
 * {@code rowsPerSecond}. Refusals over either limit are counted, not stored: every {@code summaryInterval} one summary
 * row per reason says how many, from when to when, and under which topic gateway ids. A flood therefore adds at most
 * {@code rowsPerSecond} rows a second of at most about 5.5 KB each (the frame is cut to its first 1 KiB,
 * {@code AuditRecord.FRAME_BYTES}, and topic, sender and detail to 256, 128 and 1 024 characters), plus one small
 * summary row per reason and interval.
 *
 * @param rowsPerSecond       audit rows per second of all keys together, once {@code burst} is used up
 * @param burst               rows the whole ingest process may store at once
 * @param rowsPerSecondPerKey rows per second of one (reason, topic gateway id), once {@code burstPerKey} is used up
 * @param burstPerKey         rows one key may store at once
 * @param summaryInterval     how often the counts of refusals not stored are written (one row per reason) and logged
 */
public record AuditLimits(double rowsPerSecond, int burst, double rowsPerSecondPerKey, int burstPerKey,
                          Duration summaryInterval) {
    /**
     * 1 row/s (burst 100) in all, 0.1 row/s (burst 10) per key: a flood without end adds at most about 86 400 rows,
     * at most about 470 MB (about 165 MB of ASCII junk), a day, 14 GB at the default 30-day audit retention; an
     * honest fault (a gateway with a broken clock or key) still leaves its first ten refusals and then one every
     * 10 s to look at.
     */
    public static final AuditLimits DEFAULTS = new AuditLimits(1, 100, 0.1, 10, Duration.ofMinutes(1));

    public AuditLimits {
        if (!(rowsPerSecond > 0) || !(rowsPerSecondPerKey > 0) || burst < 1 || burstPerKey < 1) {
            throw new IllegalArgumentException("audit rates must be > 0 and bursts >= 1, got " + rowsPerSecond + "/s burst "
                    + burst + ", per key " + rowsPerSecondPerKey + "/s burst " + burstPerKey);
        }
        Objects.requireNonNull(summaryInterval, "summaryInterval");
        if (summaryInterval.toMillis() < 1000 || summaryInterval.toHours() > 24) {
            throw new IllegalArgumentException("the audit summary interval must be 1 s … 24 h, got " + summaryInterval);
        }
    }
}
