package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DebouncerTest {
    private static final long MS = 1_000_000L;

    @Test
    void bouncesWithinTheWindowCollapseIntoOneEdge() {
        Debouncer d = new Debouncer(20 * MS, false);
        // Reed contact closing at t=100 ms and bouncing for 6 ms.
        assertEquals(1, d.observe(true, 100 * MS));
        assertEquals(0, d.observe(false, 101 * MS));
        assertEquals(0, d.observe(true, 102 * MS));
        assertEquals(0, d.observe(false, 104 * MS));
        assertEquals(0, d.observe(true, 106 * MS));
        assertTrue(d.active());
        assertEquals(1, d.activations());
        // Opening at t=400 ms with bounces: one falling edge, no extra activation.
        assertEquals(1, d.observe(false, 400 * MS));
        assertEquals(0, d.observe(true, 401 * MS));
        assertEquals(0, d.observe(false, 403 * MS));
        assertFalse(d.active());
        assertEquals(1, d.activations());
    }

    @Test
    void aChangeHiddenInTheWindowSettlesWhenTheWindowEnds() {
        Debouncer d = new Debouncer(20 * MS, false);
        d.observe(true, 0);
        d.observe(false, 5 * MS); // inside the window: ignored for now
        assertTrue(d.active());
        assertEquals(0, d.settle(19 * MS));
        assertTrue(d.active(), "still inside the window");
        assertEquals(1, d.settle(20 * MS));
        assertFalse(d.active(), "the last raw level wins once the window is over");
    }

    @Test
    void aPulseEndingInsideTheWindowDoesNotSwallowTheNextPulse() {
        Debouncer d = new Debouncer(20 * MS, false);
        d.observe(true, 0);          // short pulse: counted
        d.observe(false, 2 * MS);    // release hidden in the window
        // No event until the next pulse 500 ms later: the settle and the new edge are both accepted.
        assertEquals(2, d.observe(true, 500 * MS));
        assertTrue(d.active());
        assertEquals(2, d.activations());
    }

    @Test
    void exactlyAtTheWindowEdgeIsAccepted() {
        Debouncer d = new Debouncer(20 * MS, false);
        d.observe(true, 0);
        assertEquals(1, d.observe(false, 20 * MS));
        assertEquals(0, d.observe(true, 39 * MS));
        assertEquals(1, d.settle(40 * MS));
        assertEquals(2, d.activations());
    }

    @Test
    void zeroWindowAcceptsEveryChange() {
        Debouncer d = new Debouncer(0, true);
        assertEquals(1, d.observe(false, 0));
        assertEquals(1, d.observe(true, 0));
        assertEquals(1, d.observe(false, 0));
        assertEquals(1, d.activations());
    }

    @Test
    void repeatedSameLevelIsNotAnEdge() {
        Debouncer d = new Debouncer(20 * MS, false);
        assertEquals(0, d.observe(false, 0));
        assertEquals(0, d.observe(false, 100 * MS));
        assertEquals(0, d.activations());
        assertFalse(d.active());
    }

    @Test
    void aLateTimestampFromAnotherThreadDoesNotReopenTheWindow() {
        Debouncer d = new Debouncer(20 * MS, false);
        d.observe(true, 100 * MS);
        d.observe(false, 125 * MS);                 // accepted: window over
        assertEquals(0, d.observe(true, 110 * MS)); // clock read before the lock by a slower thread: treated as 125 ms
        assertFalse(d.active());
        assertEquals(1, d.settle(145 * MS));        // and settles 20 ms after the last accepted change
        assertTrue(d.active());
        assertEquals(2, d.activations());
    }
}
