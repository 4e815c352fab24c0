package org.tidegate.simulator;

import java.util.Locale;

/** What the simulated site is doing. */
public enum Scenario {
    /** Tide-like swing of the water level (1.2–2.0 m over 12.42 h), dry weather, pump idle. */
    NORMAL,
    /** Heavy rain (30 mm/h) and the level rising 0.3 m per 10 minutes, up to 5.5 m; the pump starts at 3.0 m. */
    FLOOD,
    /** Light rain (5 mm/h) and the level falling 0.3 m per 10 minutes back to the normal swing. */
    RECEDE;

    public static Scenario parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("scenario \"" + s + "\" is not one of normal, flood, recede");
        }
    }
}
