package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Sample;

class RainAccumulatorTest {
    private static final AccumulateRule CALENDAR_DAY = new AccumulateRule(true, true, true, ZoneOffset.ofHours(8), 0);

    private static long at(String isoUtc) {
        return Instant.parse(isoUtc).toEpochMilli();
    }

    private static List<Sample> feed(RainAccumulator a, String isoUtc, double counterMm) {
        return a.update(Sample.good("rain-01", "rain", at(isoUtc), counterMm, "mm"), false);
    }

    private static String show(List<Sample> samples) {
        List<String> out = new ArrayList<>();
        for (Sample s : samples) {
            out.add(s.channel() + "=" + s.value() + "@" + Instant.ofEpochMilli(s.timestamp()));
        }
        return String.join(" ", out);
    }

    @Test
    void hourlyAndDailyTotalsWithHourAndLocalDayRollover() {
        RainAccumulator a = new RainAccumulator("rain-01", "rain", CALENDAR_DAY);
        // 15:00 UTC = 23:00 in Guangdong; the local day ends at 16:00 UTC.
        assertEquals("rain_1h=0.0@2024-06-01T15:10:00Z rain_day=0.0@2024-06-01T15:10:00Z",
                show(feed(a, "2024-06-01T15:10:00Z", 10.0)), "first sample sets the baseline");
        assertEquals("", show(feed(a, "2024-06-01T15:20:00Z", 10.0)), "no rain, nothing new");
        assertEquals("rain_1h=1.5@2024-06-01T15:30:00Z rain_day=1.5@2024-06-01T15:30:00Z",
                show(feed(a, "2024-06-01T15:30:00Z", 11.5)));
        assertEquals("rain_1h=2.0@2024-06-01T15:59:50Z rain_day=2.0@2024-06-01T15:59:50Z",
                show(feed(a, "2024-06-01T15:59:50Z", 12.0)));
        // First poll of the new local day: both periods close at their last millisecond, new ones start.
        assertEquals("rain_1h=2.0@2024-06-01T15:59:59.999Z rain_day=2.0@2024-06-01T15:59:59.999Z"
                        + " rain_1h=0.5@2024-06-01T16:00:10Z rain_day=0.5@2024-06-01T16:00:10Z",
                show(feed(a, "2024-06-01T16:00:10Z", 12.5)));
        // Next hour, same local day: only the hour closes.
        assertEquals("rain_1h=1.0@2024-06-01T16:30:00Z rain_day=1.0@2024-06-01T16:30:00Z",
                show(feed(a, "2024-06-01T16:30:00Z", 13.0)));
        assertEquals("rain_1h=1.0@2024-06-01T16:59:59.999Z rain_1h=0.0@2024-06-01T17:05:00Z"
                        + " rain_day=1.0@2024-06-01T17:05:00Z",
                show(feed(a, "2024-06-01T17:05:00Z", 13.0)));
        assertEquals(1.0, a.dayTotal(), 1e-9);
        assertEquals(0.0, a.hourTotal(), 1e-9);
    }

    @Test
    void hydrologicalDayStartsAtEightLocal() {
        RainAccumulator a = new RainAccumulator("rain-01", "rain",
                new AccumulateRule(false, true, true, ZoneOffset.ofHours(8), 8));
        feed(a, "2024-06-01T16:00:00Z", 0);          // 00:00 local
        feed(a, "2024-06-01T23:00:00Z", 20);         // 07:00 local, same hydrological day
        assertEquals(20, a.dayTotal(), 1e-9, "midnight is not a boundary");
        List<Sample> out = feed(a, "2024-06-02T00:00:05Z", 21); // 08:00:05 local
        assertEquals("rain_day=20.0@2024-06-01T23:59:59.999Z rain_day=1.0@2024-06-02T00:00:05Z", show(out));
    }

    @Test
    void counterResetCountsFromZeroAndIntervalModeAddsEachSample() {
        RainAccumulator a = new RainAccumulator("rain-01", "rain", CALENDAR_DAY);
        feed(a, "2024-06-01T01:00:00Z", 40);
        feed(a, "2024-06-01T01:01:00Z", 41);
        feed(a, "2024-06-01T01:02:00Z", 0.5); // driver restarted: counter began again from 0
        assertEquals(1.5, a.hourTotal(), 1e-9);

        RainAccumulator b = new RainAccumulator("rain-01", "rain",
                new AccumulateRule(true, true, false, ZoneOffset.ofHours(8), 0));
        for (int i = 0; i < 10; i++) {
            b.update(Sample.good("rain-01", "rain", at("2024-06-01T01:00:00Z") + i * 1000, 0.1, "mm"), false);
        }
        assertEquals(1.0, b.hourTotal(), 0, "0.1 ten times is exactly 1.0 after rounding");
        assertEquals(1.0, b.dayTotal(), 0);
    }

    @Test
    void totalsFollowTheSourceHeartbeatAndIgnoreBadSamples() {
        RainAccumulator a = new RainAccumulator("rain-01", "rain", CALENDAR_DAY);
        feed(a, "2024-06-01T01:00:00Z", 5);
        assertTrue(a.update(Sample.bad("rain-01", "rain", at("2024-06-01T01:00:10Z"), "mm", "x"), true).isEmpty());
        List<Sample> beat = a.update(Sample.good("rain-01", "rain", at("2024-06-01T01:10:00Z"), 5.0, "mm"), true);
        assertEquals("rain_1h=0.0@2024-06-01T01:10:00Z rain_day=0.0@2024-06-01T01:10:00Z", show(beat));
        assertEquals("mm", beat.get(0).unit());
    }
}
