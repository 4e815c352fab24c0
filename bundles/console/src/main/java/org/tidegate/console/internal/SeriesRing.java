package org.tidegate.console.internal;

import java.util.function.IntSupplier;

/**
 * The last hour of one channel's values in memory, one point per interval (the last value seen in it), for the
 * console's charts: nothing is written to disk. Thread-safe.
 *
 * <p>Memory is bounded by the caller's {@code capacity} (points this ring may hold, asked each time it would grow):
 * the arrays start small and double up to that capacity (never beyond {@code 3600 / resolution}, one hour at the
 * configured resolution). A ring that is full but spans less than an hour halves its resolution (two neighbouring
 * intervals become one, the later value kept) instead of dropping the older half of the hour: a gateway with many
 * channels keeps an hour of each at a coarser resolution, not ten minutes. 12 bytes a point.
 */
final class SeriesRing {
    static final long WINDOW_MS = 3_600_000;
    private static final int FIRST_POINTS = 16;

    private final int fullHour;
    private final IntSupplier capacity;
    private long resolutionMs;
    private long[] t;
    private float[] v;
    private int head; // next slot to write
    private int size;

    /** One hour at {@code resolutionSeconds}, as many points as that takes. */
    SeriesRing(int resolutionSeconds) {
        this(resolutionSeconds, () -> Integer.MAX_VALUE);
    }

    SeriesRing(int resolutionSeconds, IntSupplier capacity) {
        this.resolutionMs = resolutionSeconds * 1000L;
        this.fullHour = (int) (WINDOW_MS / resolutionMs);
        this.capacity = capacity;
        int n = Math.min(FIRST_POINTS, fullHour);
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
        if (size == t.length && !grow() && t[oldest()] > bucket - WINDOW_MS) {
            coarsen();
            bucket = at - Math.floorMod(at, resolutionMs);
            int last = (head - 1 + t.length) % t.length;
            if (size > 0 && t[last] == bucket) {
                v[last] = (float) value;
                return;
            }
        }
        t[head] = bucket;
        v[head] = (float) value;
        head = (head + 1) % t.length;
        size = Math.min(size + 1, t.length);
    }

    private int oldest() {
        return (head - size + t.length) % t.length;
    }

    /** Doubles the arrays if the capacity allows; false if they stay as they are. */
    private boolean grow() {
        int n = Math.min(Math.min(fullHour, Math.max(capacity.getAsInt(), FIRST_POINTS)), 2 * t.length);
        if (n <= t.length) {
            return false;
        }
        long[] nt = new long[n];
        float[] nv = new float[n];
        for (int i = 0; i < size; i++) {
            int k = (oldest() + i) % t.length;
            nt[i] = t[k];
            nv[i] = v[k];
        }
        t = nt;
        v = nv;
        head = size % n;
        return true;
    }

    /** Halves the resolution: each point moves to its interval of twice the width, the latest of each kept. */
    private void coarsen() {
        resolutionMs *= 2;
        long[] nt = new long[t.length];
        float[] nv = new float[t.length];
        int n = 0;
        for (int i = 0; i < size; i++) {
            int k = (oldest() + i) % t.length;
            long bucket = t[k] - Math.floorMod(t[k], resolutionMs);
            if (n > 0 && nt[n - 1] == bucket) {
                nv[n - 1] = v[k];
            } else {
                nt[n] = bucket;
                nv[n] = v[k];
                n++;
            }
        }
        t = nt;
        v = nv;
        size = n;
        head = n % t.length;
    }

    /** Points newer than {@code now - 1 h}, oldest first: {@code [[t, v], ...]}. */
    synchronized double[][] points(long now) {
        double[][] out = new double[size][];
        int n = 0;
        for (int i = 0; i < size; i++) {
            int k = (oldest() + i) % t.length;
            if (t[k] > now - WINDOW_MS) {
                out[n++] = new double[] {t[k], v[k]};
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    synchronized int size() {
        return size;
    }

    /** The width of one point now (the configured resolution, or a multiple of it once coarsened). */
    synchronized long resolutionMs() {
        return resolutionMs;
    }

    /** Points this ring's arrays hold room for (its share of the memory bound). */
    synchronized int allocated() {
        return t.length;
    }
}
