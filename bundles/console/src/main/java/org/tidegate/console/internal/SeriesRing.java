package org.tidegate.console.internal;

/**
 * The last hour of one channel's values in memory, one point per {@code resolution} (the last value seen in that
 * interval), for the console's charts: nothing is written to disk. Fixed size: {@code 3600 / resolution} points of
 * 12 bytes. Thread-safe.
 */
final class SeriesRing {
    static final long WINDOW_MS = 3_600_000;

    private final long resolutionMs;
    private final long[] t;
    private final float[] v;
    private int head; // next slot to write
    private int size;

    SeriesRing(int resolutionSeconds) {
        this.resolutionMs = resolutionSeconds * 1000L;
        int n = (int) (WINDOW_MS / resolutionMs);
        this.t = new long[n];
        this.v = new float[n];
    }

    /** Adds a value at {@code at} (Unix ms); in the same interval as the last point it replaces that point. */
    synchronized void add(long at, double value) {
        long bucket = at - Math.floorMod(at, resolutionMs);
        if (size > 0) {
            int last = (head - 1 + t.length) % t.length;
            if (t[last] == bucket) {
                v[last] = (float) value;
                return;
            }
            if (bucket < t[last]) {
                return; // out of order (a clock step back): the chart keeps going forward
            }
        }
        t[head] = bucket;
        v[head] = (float) value;
        head = (head + 1) % t.length;
        size = Math.min(size + 1, t.length);
    }

    /** Points newer than {@code now - 1 h}, oldest first: {@code [[t, v], ...]}. */
    synchronized double[][] points(long now) {
        double[][] out = new double[size][];
        int n = 0;
        for (int i = 0; i < size; i++) {
            int k = (head - size + i + t.length) % t.length;
            if (t[k] > now - WINDOW_MS) {
                out[n++] = new double[] {t[k], v[k]};
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    synchronized int size() {
        return size;
    }
}
