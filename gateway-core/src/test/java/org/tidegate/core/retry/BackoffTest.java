package org.tidegate.core.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void boundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
        new Backoff(5, 5);
    }

    @Test
    void stepsDoubleFromTheMinimumUpToTheCap() {
        Backoff b = new Backoff(100, 1000);
        assertEquals(100, b.step(1));
        assertEquals(200, b.step(2));
        assertEquals(400, b.step(3));
        assertEquals(800, b.step(4));
        assertEquals(1000, b.step(5));
        assertEquals(1000, b.step(1_000));
        assertEquals(1000, b.step(Integer.MAX_VALUE));
        assertEquals(100, b.step(0), "no failure yet: the minimum");
    }

    @Test
    void jitterStaysBetweenHalfTheStepAndTheStep() {
        Backoff lowest = new Backoff(1000, 8000, n -> 0);
        Backoff highest = new Backoff(1000, 8000, n -> n - 1);
        long[] lo = {500, 1000, 2000, 4000, 4000};
        long[] hi = {1000, 2000, 4000, 8000, 8000};
        for (int i = 0; i < lo.length; i++) {
            assertEquals(lo[i], lowest.nextDelayMs(), "attempt " + i);
            assertEquals(hi[i], highest.nextDelayMs(), "attempt " + i);
        }
        Backoff real = new Backoff(1000, 8000);
        boolean spread = false;
        long first = -1;
        for (int i = 0; i < 2_000; i++) {
            long d = real.delayMs(3);
            assertTrue(d >= 2000 && d <= 4000, "delay " + d);
            spread |= first >= 0 && d != first;
            first = first < 0 ? d : first;
        }
        assertTrue(spread, "delays are jittered, not all the same");
    }

    @Test
    void growsWithFailuresAndResets() {
        Backoff b = new Backoff(1000, 60_000);
        for (int i = 0; i < 500; i++) {
            long d = b.nextDelayMs();
            assertTrue(d >= 500 && d <= 60_000, "attempt " + i + ": " + d);
        }
        assertEquals(500, b.failures());
        long slow = b.slowDelayMs();
        assertTrue(slow >= 30_000 && slow <= 60_000, "refusals wait near the cap: " + slow);
        b.reset();
        assertEquals(0, b.failures());
        assertTrue(b.nextDelayMs() <= 1000);
    }

    @Test
    void gateClosesForTheDelayAndOpensOnReset() {
        Backoff b = new Backoff(100, 400, n -> n - 1); // no jitter downwards: delays 100, 200, 400, 400
        long t = 1_000_000_000L;
        assertTrue(b.mayAttempt(t));
        assertEquals(0, b.remainingMillis(t));
        assertEquals(100, b.failed(t));
        assertFalse(b.mayAttempt(t + 99_000_000L));
        assertEquals(50, b.remainingMillis(t + 50_000_000L));
        assertTrue(b.mayAttempt(t + 100_000_000L));
        assertEquals(200, b.failed(t));
        assertEquals(400, b.failed(t));
        assertEquals(400, b.failed(t));
        assertFalse(b.mayAttempt(t + 399_000_000L));
        b.reset();
        assertTrue(b.mayAttempt(t));
    }
}
