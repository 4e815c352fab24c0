package org.tidegate.driver.sl651.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.driver.sl651.Sl651Settings;
import org.tidegate.driver.sl651.codec.Report;
import org.tidegate.driver.sl651.codec.Sl651Frame;
import org.tinylog.Logger;

/**
 * What a receiver has for one station until its device's next poll: the reports not yet read (at most
 * {@value #MAX_PENDING}; on overflow the oldest go, counted), the keys of the last {@value #DEDUP_KEYS} reports
 * (a report the station sends again because our acknowledgement was lost has the same key and is dropped), when
 * the station was last heard, and its faults. Thread-safe: the receiver's threads write, the poll thread reads.
 */
final class StationInbox {
    static final int MAX_PENDING = 256;
    static final int DEDUP_KEYS = 64;

    private final String deviceId;
    private final Sl651Settings settings;
    private final ArrayDeque<Received> pending = new ArrayDeque<>();
    private final Map<Report.Key, Boolean> seen = new LinkedHashMap<>(DEDUP_KEYS * 2, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Report.Key, Boolean> eldest) {
            return size() > DEDUP_KEYS;
        }
    };
    private final Map<String, AtomicLong> faults = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private volatile long lastHeardNanos;
    private volatile boolean heard;

    /** A report and when it arrived. */
    record Received(Report report, long receivedAtMillis) {
    }

    StationInbox(String deviceId, Sl651Settings settings) {
        this.deviceId = deviceId;
        this.settings = settings;
    }

    String deviceId() {
        return deviceId;
    }

    Sl651Settings settings() {
        return settings;
    }

    /** A frame of this station arrived (any function). */
    void heard() {
        lastHeardNanos = System.nanoTime();
        heard = true;
    }

    /** Whether the station was heard since the inbox was made, and when ({@link System#nanoTime()}). */
    boolean everHeard() {
        return heard;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /**
     * Takes a report unless it repeats one already taken.
     *
     * @return false for a repeat (dropped, counted)
     */
    synchronized boolean offer(Report report, Sl651Frame frame) {
        Report.Key key = report.key(frame);
        if (seen.containsKey(key)) {
            duplicates.incrementAndGet();
            Logger.debug("device={} station={} report {} serial {} again (acknowledgement lost?): dropped as a repeat",
                    deviceId, frame.station(), String.format("%02X", report.function()), report.serial());
            return false;
        }
        seen.put(key, Boolean.TRUE);
        if (pending.size() >= MAX_PENDING) {
            pending.removeFirst();
            if (overflowed.incrementAndGet() % 100 == 1) {
                Logger.warn("device={} station={} more than {} reports waiting for a poll: dropped the oldest ({} so far)",
                        deviceId, frame.station(), MAX_PENDING, overflowed.get());
            }
        }
        pending.addLast(new Received(report, System.currentTimeMillis()));
        reports.incrementAndGet();
        return true;
    }

    synchronized List<Received> drain() {
        List<Received> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    void count(ReadStatus status) {
        faults.computeIfAbsent(status.name().toLowerCase(Locale.ROOT), k -> new AtomicLong()).incrementAndGet();
    }

    Map<String, Long> faultCounts() {
        Map<String, Long> m = new TreeMap<>();
        faults.forEach((k, v) -> m.put(k, v.get()));
        if (overflowed.get() > 0) {
            m.put("overflow", overflowed.get());
        }
        return m;
    }

    /** Reports dropped as repeats. */
    long duplicates() {
        return duplicates.get();
    }

    /** Reports taken (not repeats). */
    long reports() {
        return reports.get();
    }

    /** Reports dropped because too many waited for a poll. */
    long overflowed() {
        return overflowed.get();
    }
}
