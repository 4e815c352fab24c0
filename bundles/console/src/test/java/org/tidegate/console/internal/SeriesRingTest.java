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

    @Test
    void aRingAtItsShareKeepsTheHourAtACoarserResolution() {
        SeriesRing r = new SeriesRing(5, () -> 100); // its share: 100 points, one hour at 5 s would be 720
        long t0 = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 80_000L);
        for (int i = 0; i < 720 * 3; i++) {
            r.add(t0 + i * 5_000L, i);
        }
        long now = t0 + (720 * 3 - 1) * 5_000L;
        double[][] p = r.points(now);
        assertEquals(100, r.allocated(), "never more than its share");
        assertEquals(40_000, r.resolutionMs(), "5 s coarsened to 10, 20, 40 s: 90 points cover the hour");
        assertEquals(true, p[0][0] <= now - 3_500_000 + 40_000, "the oldest point shown is about an hour old: " + (now - p[0][0]));
        assertEquals(720 * 3 - 1, p[p.length - 1][1], "the latest value is the last point's");
        for (int i = 1; i < p.length; i++) {
            assertEquals(40_000, p[i][0] - p[i - 1][0], "one point per 40 s interval");
        }
    }

    @Test
    void aSmallGatewayKeepsEveryPointOfTheHour() {
        SeriesRing r = new SeriesRing(5, () -> 12_000); // 20 channels: a share far above one hour
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 1000; i++) {
            r.add(t0 + i * 5_000L, i);
        }
        assertEquals(720, r.allocated(), "grew to one hour and no further");
        assertEquals(5_000, r.resolutionMs());
        assertEquals(720, r.size());
    }
}
