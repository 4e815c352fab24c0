package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Sample;

class LevelAlarmTest {
    private static final ThresholdRule WARNING = new ThresholdRule("level_warning", ThresholdRule.Kind.ABOVE, 3.50,
            0.05, false, Severity.WARNING, List.of());

    private static List<String> feed(LevelAlarm a, double... values) {
        List<String> out = new ArrayList<>();
        long t = 0;
        for (double v : values) {
            AlarmEvent e = a.update(Sample.good("wl-001", "level", t += 1000, v, "m"));
            out.add(e == null ? "-" : e.state());
        }
        return out;
    }

    @Test
    void raisesAtTheLineAndClearsOnlyBelowTheHysteresisBand() {
        LevelAlarm a = new LevelAlarm("wl-001", "level", WARNING);
        assertEquals(List.of("-", "-", "raised", "-", "-", "-", "-", "-", "cleared", "-"),
                feed(a, 3.40, 3.49, 3.50, 3.46, 3.52, 3.451, 3.49, 3.50, 3.449, 3.47));
        assertFalse(a.raised());
    }

    @Test
    void noChatterWhenTheValueHoversAtTheLine() {
        LevelAlarm a = new LevelAlarm("wl-001", "level", WARNING);
        List<String> states = feed(a, 3.49, 3.51, 3.49, 3.51, 3.48, 3.52, 3.47, 3.50, 3.49);
        assertEquals(1, states.stream().filter(s -> !s.equals("-")).count(), states.toString());
        assertTrue(a.raised());
    }

    @Test
    void eventCarriesWhatTheBodyNeeds() {
        LevelAlarm a = new LevelAlarm("wl-001", "level", WARNING);
        AlarmEvent e = a.update(Sample.good("wl-001", "level", 1234, 3.6, "m"));
        assertNotNull(e);
        assertEquals("wl-001", e.device());
        assertEquals("level", e.channel());
        assertEquals("level_warning", e.event());
        assertEquals("raised", e.state());
        assertEquals(Severity.WARNING, e.severity());
        assertEquals(1234, e.t());
        assertEquals(3.6, e.value());
        assertEquals("above", e.rule());
        assertEquals(3.50, e.limit());
        assertEquals("wl-001/level_warning", e.key());
    }

    @Test
    void belowRule() {
        ThresholdRule low = new ThresholdRule("level_low", ThresholdRule.Kind.BELOW, 0.5, 0.1, false,
                Severity.MAJOR, List.of());
        LevelAlarm a = new LevelAlarm("wl-001", "level", low);
        assertEquals(List.of("-", "raised", "-", "-", "cleared"), feed(a, 0.6, 0.5, 0.55, 0.6, 0.61));
    }

    @Test
    void badSamplesNeitherRaiseNorClear() {
        LevelAlarm a = new LevelAlarm("wl-001", "level", WARNING);
        a.update(Sample.good("wl-001", "level", 0, 3.6, "m"));
        assertNull(a.update(Sample.bad("wl-001", "level", 1, "m", "timeout")));
        assertTrue(a.raised());
        assertNull(a.update(new Sample("wl-001", "level", 2, 1.0, "m", org.tidegate.core.model.Quality.STALE, "")));
        assertTrue(a.raised(), "stale values are not evidence either");
    }

    @Test
    void booleanStateAlarm() {
        ThresholdRule smoke = new ThresholdRule("smoke", ThresholdRule.Kind.STATE, 0, 0, true, Severity.CRITICAL,
                List.of());
        LevelAlarm a = new LevelAlarm("smoke-01", "smoke", smoke);
        assertNull(a.update(Sample.good("smoke-01", "smoke", 0, false, "")));
        AlarmEvent raised = a.update(Sample.good("smoke-01", "smoke", 1, true, ""));
        assertEquals("raised", raised.state());
        assertEquals("state", raised.rule());
        assertNull(raised.limit());
        assertNull(a.update(Sample.good("smoke-01", "smoke", 2, true, "")));
        assertEquals("cleared", a.update(Sample.good("smoke-01", "smoke", 3, false, "")).state());

        ThresholdRule doorClosed = new ThresholdRule("door_open", ThresholdRule.Kind.STATE, 0, 0, false,
                Severity.INFO, List.of());
        LevelAlarm door = new LevelAlarm("cab", "closed", doorClosed);
        assertEquals("raised", door.update(Sample.good("cab", "closed", 0, 0L, "")).state(), "whenTrue false");
    }
}
