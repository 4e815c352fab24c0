package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SeriesRingTest {
    @Test
    void keepsOnePointPerIntervalForOneHourAndNoMore() {
        SeriesRing r = new SeriesRing(5);
        long t0 = 1_700_000_000_000L;
        r.add(t0, 1);
        r.add(t0 + 1_000, 2); // same 5 s interval: replaces
        assertEquals(1, r.points(t0 + 2_000).length);
        assertEquals(2.0, r.points(t0 + 2_000)[0][1]);
        for (int i = 1; i <= 2 * 720; i++) {
            r.add(t0 + i * 5_000L, i);
        }
        long now = t0 + 2 * 720 * 5_000L;
        double[][] p = r.points(now);
        assertEquals(720, r.size(), "3600 s / 5 s");
        assertEquals(720, p.length);
        assertEquals(718, r.points(now + 10_000).length, "points older than an hour are not shown");
        assertEquals(1440.0, p[p.length - 1][1]);
        r.add(now - 60_000, -1); // a clock step back: ignored
        assertEquals(1440.0, r.points(now)[r.points(now).length - 1][1]);
    }
}
