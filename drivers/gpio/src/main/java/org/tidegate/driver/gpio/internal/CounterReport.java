package org.tidegate.driver.gpio.internal;

/** What a counter channel reports at each poll. */
public enum CounterReport {
    /** Amount since the session was opened (mm = tips x mmPerTip). */
    CUMULATIVE,
    /** Amount since this channel's previous poll. */
    INTERVAL,
    /** Raw number of tips since the session was opened. */
    TIPS
}
