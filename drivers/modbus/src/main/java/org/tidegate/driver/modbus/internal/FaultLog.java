package org.tidegate.driver.modbus.internal;

import java.util.EnumMap;
import java.util.Map;
import org.tidegate.core.driver.ReadStatus;

/**
 * Rate limit for one device's fault lines: at most one line per reason per interval. Failures of a reason that
 * were not logged are counted, and the next line of that reason says how many there were. Not thread-safe: used
 * under the session's lock.
 */
final class FaultLog {
    static final long DEFAULT_INTERVAL_MS = 60_000;

    private final String device;
    private final long intervalNanos;
    private final Map<ReadStatus, Long> lastLine = new EnumMap<>(ReadStatus.class);
    /** Failures since the last line of their reason, that line's own failure included. */
    private final Map<ReadStatus, Long> since = new EnumMap<>(ReadStatus.class);
    private final Map<ReadStatus, Long> note = new EnumMap<>(ReadStatus.class);

    FaultLog(String device, long intervalMillis) {
        this.device = device;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Counts one failure of {@code status}. */
    void failed(ReadStatus status) {
        since.merge(status, 1L, Long::sum);
    }

    /** Whether a line of this reason may be written now; if so, it is taken as written. */
    boolean mayLog(ReadStatus status) {
        long now = System.nanoTime();
        Long last = lastLine.get(status);
        if (last != null && now - last < intervalNanos) {
            return false;
        }
        lastLine.put(status, now);
        long n = since.getOrDefault(status, 0L);
        // The failure being logged is not "not logged".
        note.put(status, last == null ? 0 : Math.max(0, n - 1));
        since.put(status, 0L);
        return true;
    }

    /** For the line just allowed by {@link #mayLog}: the failures of its reason that were not logged, or "". */
    String suppressedNote(ReadStatus status) {
        long n = note.getOrDefault(status, 0L);
        return n == 0 ? "" : " (" + n + " more " + status.name().toLowerCase(java.util.Locale.ROOT)
                + " failures of device " + device + " not logged since the last such line)";
    }
}
