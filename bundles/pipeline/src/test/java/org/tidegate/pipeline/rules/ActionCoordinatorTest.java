package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActionCoordinatorTest {
    private static final Action SIREN = new Action("siren-01", "siren", true, false);

    private static AlarmEvent event(String device, String event, boolean raised, Action... actions) {
        return new AlarmEvent(device, "ch", event, raised, Severity.CRITICAL, 0, raised, "state", null, 0, 0, null,
                List.of(actions));
    }

    private static String run(List<ActionCommand> commands) {
        return commands.stream().map(c -> c.action().target() + "=" + c.value()).reduce((a, b) -> a + "," + b)
                .orElse("");
    }

    @Test
    void sirenStaysOnWhileAnyBoundAlarmIsRaised() {
        ActionCoordinator c = new ActionCoordinator();
        assertEquals("siren-01/siren=true", run(c.onAlarm(event("wl-001", "level_warning", true, SIREN))));
        assertEquals("", run(c.onAlarm(event("smoke-01", "smoke", true, SIREN))), "already on");
        assertEquals(Set.of("wl-001/level_warning", "smoke-01/smoke"), c.holders("siren-01/siren"));
        assertEquals("", run(c.onAlarm(event("wl-001", "level_warning", false, SIREN))), "smoke still holds it");
        assertEquals("", run(c.onAlarm(event("wl-001", "level_warning", false, SIREN))), "a repeated clear is harmless");
        assertEquals("siren-01/siren=false", run(c.onAlarm(event("smoke-01", "smoke", false, SIREN))));
        assertTrue(c.holders("siren-01/siren").isEmpty());
        assertEquals("siren-01/siren=true", run(c.onAlarm(event("smoke-01", "smoke", true, SIREN))), "again");
    }

    @Test
    void repeatedRaiseOfTheSameAlarmCountsOnce() {
        ActionCoordinator c = new ActionCoordinator();
        c.onAlarm(event("wl-001", "level_warning", true, SIREN));
        c.onAlarm(event("wl-001", "level_warning", true, SIREN));
        assertEquals("siren-01/siren=false", run(c.onAlarm(event("wl-001", "level_warning", false, SIREN))));
    }

    @Test
    void staleCommandsAreRecognised() {
        ActionCoordinator c = new ActionCoordinator();
        ActionCommand on = c.onAlarm(event("smoke-01", "smoke", true, SIREN)).get(0);
        assertTrue(c.isCurrent(on));
        ActionCommand off = c.onAlarm(event("smoke-01", "smoke", false, SIREN)).get(0);
        assertFalse(c.isCurrent(on), "a retry of 'on' after 'off' was decided must not switch the siren back on");
        assertTrue(c.isCurrent(off));
        assertFalse(off.engage());
    }

    @Test
    void severalOutputsAndNoClearValue() {
        ActionCoordinator c = new ActionCoordinator();
        Action strobe = new Action("siren-01", "strobe", true, false);
        Action pumpStop = new Action("pump-01", "run", 0L, null);
        assertEquals("siren-01/strobe=true,pump-01/run=0",
                run(c.onAlarm(event("wl-001", "level_danger", true, strobe, pumpStop))));
        assertEquals("siren-01/strobe=false", run(c.onAlarm(event("wl-001", "level_danger", false, strobe, pumpStop))),
                "no clearValue: the pump is left as the alarm set it");
    }
}
