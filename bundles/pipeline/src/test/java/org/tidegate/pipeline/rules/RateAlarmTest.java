package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Sample;

class RateAlarmTest {
    private static final long MIN = 60_000;
    private static final RateOfChangeRule RISING = new RateOfChangeRule("level_rising_fast", true, 0.3, 10 * MIN,
            0.03, Severity.WARNING, List.of());

    /** A simulated clock: one sample per 10 s, the level given as a function of minutes. */
    private static List<AlarmEvent> run(RateAlarm a, long fromMin, long toMin, java.util.function.DoubleUnaryOperator level) {
        List<AlarmEvent> out = new ArrayList<>();
        for (long t = fromMin * MIN; t <= toMin * MIN; t += 10_000) {
            AlarmEvent e = a.update(Sample.good("wl-001", "level", t, level.applyAsDouble(t / (double) MIN), "m"));
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void floodRisingPointThreeMetresInTenMinutesRaises() {
        RateAlarm a = new RateAlarm("wl-001", "level", RISING);
        // Steady at 2.0 m for half an hour, then the flood: +0.3 m per 10 min (0.03 m/min).
        List<AlarmEvent> events = run(a, 0, 60, m -> m < 30 ? 2.0 : 2.0 + 0.03 * (m - 30));
        assertEquals(1, events.size(), events.toString());
        AlarmEvent e = events.get(0);
        assertEquals("raised", e.state());
        assertEquals(40 * MIN, e.t(), "raised exactly when 10 minutes of flood have added 0.3 m");
        assertEquals(0.3, e.change(), 1e-9);
        assertEquals(600_000, e.windowMs());
        assertEquals("rise", e.rule());
        assertTrue(a.raised());
    }

    @Test
    void slowRiseNeverRaises() {
        RateAlarm a = new RateAlarm("wl-001", "level", RISING);
        // 0.29 m per 10 min, for two hours: 1.74 m in all, but never 0.3 m within any 10 minutes.
        assertTrue(run(a, 0, 120, m -> 2.0 + 0.029 * m).isEmpty());
        assertFalse(a.raised());
    }

    @Test
    void clearsOnceTheLevelLevelsOff() {
        RateAlarm a = new RateAlarm("wl-001", "level", RISING);
        List<AlarmEvent> events = run(a, 0, 80, m -> m < 10 ? 2.0 : m < 30 ? 2.0 + 0.04 * (m - 10) : 2.8);
        assertEquals(List.of("raised", "cleared"), events.stream().map(AlarmEvent::state).toList());
        // After the plateau starts at minute 30 the change over the window falls below 0.27 m when the
        // window's start passes minute ~23.25: 2.8 - (2.0 + 0.04 * 13.25) = 0.27.
        long clearedAt = events.get(1).t();
        assertTrue(clearedAt > 33 * MIN && clearedAt < 34 * MIN, "cleared at " + clearedAt / (double) MIN + " min");
    }

    @Test
    void fallingRuleAndGapsAgeOut() {
        RateOfChangeRule falling = new RateOfChangeRule("level_dropping", false, 0.5, 5 * MIN, 0.05,
                Severity.INFO, List.of());
        RateAlarm a = new RateAlarm("wl-001", "level", falling);
        a.update(Sample.good("wl-001", "level", 0, 3.0, "m"));
        // Next sample 6 minutes later (device was down): the old one is out of the window.
        assertEquals(null, a.update(Sample.good("wl-001", "level", 6 * MIN, 2.0, "m")));
        assertEquals("raised", a.update(Sample.good("wl-001", "level", 7 * MIN, 1.5, "m")).state());
        AlarmEvent cleared = a.update(Sample.good("wl-001", "level", 13 * MIN, 1.5, "m"));
        assertEquals("cleared", cleared.state());
        assertEquals(0.0, cleared.change(), 1e-9, "the window holds only the low level now");
    }
}
