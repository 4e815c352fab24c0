package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Sample;

class ReportFilterTest {
    private static Sample level(long t, double v) {
        return Sample.good("wl-001", "level", t, v, "m");
    }

    @Test
    void deadbandSuppressesSmallChangesAndMeasuresFromLastReportedValue() {
        ReportFilter f = new ReportFilter(0.01, 0);
        assertTrue(f.report(level(0, 2.000), false), "first sample");
        assertFalse(f.report(level(1000, 2.005), false));
        assertFalse(f.report(level(2000, 2.009), false));
        assertFalse(f.report(level(3000, 2.010), false), "exactly the deadband is not more than it");
        assertTrue(f.report(level(4000, 2.0101), false), "slow drift adds up against the last reported value");
        assertFalse(f.report(level(5000, 2.015), false));
        assertTrue(f.report(level(6000, 1.999), false), "down counts too");
    }

    @Test
    void maxSilentIntervalForcesAHeartbeat() {
        ReportFilter f = new ReportFilter(0.5, 60_000);
        assertTrue(f.report(level(0, 1), false));
        assertFalse(f.report(level(59_999, 1), false));
        assertTrue(f.report(level(60_000, 1), false), "silent for maxSilentMs");
        assertFalse(f.report(level(61_000, 1.1), false));
        assertTrue(f.report(level(120_000, 1.1), false), "interval restarts at the last report");
    }

    @Test
    void badQualityTransitionsAreAlwaysReportedButRepeatedBadOnlyOnHeartbeat() {
        ReportFilter f = new ReportFilter(1.0, 60_000);
        assertTrue(f.report(level(0, 2), false));
        Sample bad = Sample.bad("wl-001", "level", 1000, "m", "timeout");
        assertTrue(f.report(bad, false), "good -> bad");
        assertFalse(f.report(Sample.bad("wl-001", "level", 2000, "m", "timeout"), false), "still bad");
        assertTrue(f.report(Sample.bad("wl-001", "level", 61_000, "m", "timeout"), false), "bad heartbeat");
        assertTrue(f.report(level(62_000, 2), false), "bad -> good, although the value is the same");
    }

    @Test
    void zeroDeadbandIsReportOnChange() {
        ReportFilter f = new ReportFilter(0.0, 0);
        Sample on = Sample.good("smoke-01", "smoke", 0, true, "");
        assertTrue(f.report(on, false));
        assertFalse(f.report(Sample.good("smoke-01", "smoke", 1, true, ""), false));
        assertTrue(f.report(Sample.good("smoke-01", "smoke", 2, false, ""), false), "boolean change");
        assertFalse(f.report(Sample.good("smoke-01", "smoke", 3, false, ""), false));
        assertTrue(f.report(Sample.good("smoke-01", "smoke", 4, false, ""), true), "forced");
    }

    @Test
    void withoutDeadbandEverySampleIsReported() {
        ReportFilter f = new ReportFilter(null, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(f.report(level(i, 1), false));
        }
    }
}
