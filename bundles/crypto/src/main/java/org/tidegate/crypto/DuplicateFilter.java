package org.tidegate.crypto;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which sequence numbers each sender's telemetry has already delivered, so that at-least-once
 * delivery, resent backlogs and reordering (alarms overtake, backlogs drain later) do not deliver a message
 * twice.
 *
 * <p>Per sender it keeps the seen sequences as a set of disjoint ranges (in order of arrival a stream is
 * one range; a backlog drained after live data adds one range, a lost message one gap). Memory is bounded
 * by {@code maxRangesPerSender}: when a sender has more ranges than that, the lowest range is forgotten.
 * A repeat of a message from a forgotten range is then delivered again rather than dropped: for telemetry a
 * late duplicate is cheaper than lost data (consumers key on sender + sequence anyway). No sliding window
 * of fixed width is used for the same reason: a backlog drained after a week offline lies millions of
 * sequences below the high-water mark and must not be mistaken for duplicates. Sequences compare unsigned.
 * Thread-safe; in memory only (a receiver restart forgets, and at worst delivers a duplicate).
 */
public final class DuplicateFilter {
    /** Default bound: about 64 KiB per sender in the worst case. */
    public static final int DEFAULT_MAX_RANGES = 1024;

    private final int maxRangesPerSender;
    private final Map<String, Ranges> senders = new ConcurrentHashMap<>();

    public DuplicateFilter() {
        this(DEFAULT_MAX_RANGES);
    }

    public DuplicateFilter(int maxRangesPerSender) {
        if (maxRangesPerSender < 1) {
            throw new IllegalArgumentException("maxRangesPerSender must be at least 1");
        }
        this.maxRangesPerSender = maxRangesPerSender;
    }

    /** Records {@code sequence} for {@code sender}; true the first time, false for a repeat. */
    public boolean firstSeen(String sender, long sequence) {
        return senders.computeIfAbsent(sender, s -> new Ranges()).add(sequence, maxRangesPerSender);
    }

    /** True if {@code sequence} was already recorded (and not forgotten) for {@code sender}. */
    public boolean seen(String sender, long sequence) {
        Ranges r = senders.get(sender);
        return r != null && r.contains(sequence);
    }

    /** How many ranges are kept for {@code sender} (for tests and diagnostics). */
    public int rangeCount(String sender) {
        Ranges r = senders.get(sender);
        return r == null ? 0 : r.size();
    }

    /** Start → end (inclusive), unsigned order. */
    private static final class Ranges {
        private final TreeMap<Long, Long> map = new TreeMap<>(Long::compareUnsigned);

        synchronized boolean contains(long s) {
            Map.Entry<Long, Long> below = map.floorEntry(s);
            return below != null && Long.compareUnsigned(s, below.getValue()) <= 0;
        }

        synchronized int size() {
            return map.size();
        }

        synchronized boolean add(long s, int max) {
            Map.Entry<Long, Long> below = map.floorEntry(s);
            if (below != null && Long.compareUnsigned(s, below.getValue()) <= 0) {
                return false;
            }
            Map.Entry<Long, Long> above = s == -1L ? null : map.ceilingEntry(s + 1);
            boolean joinsBelow = below != null && below.getValue() + 1 == s;
            boolean joinsAbove = above != null && above.getKey() == s + 1;
            if (joinsBelow && joinsAbove) {
                map.remove(above.getKey());
                map.put(below.getKey(), above.getValue());
            } else if (joinsBelow) {
                map.put(below.getKey(), s);
            } else if (joinsAbove) {
                map.remove(above.getKey());
                map.put(s, above.getValue());
            } else {
                map.put(s, s);
                while (map.size() > max) {
                    map.pollFirstEntry();
                }
            }
            return true;
        }
    }
}
