package org.tidegate.pipeline.rules;

import java.time.ZoneOffset;

/**
 * Rainfall (or any counter) totals per clock hour and per local day.
 *
 * @param hourly       emit {@code <ch>_1h}, the total of the current clock hour
 * @param daily        emit {@code <ch>_day}, the total of the current local day
 * @param cumulative   true: the channel is a running counter (total so far, resets tolerated);
 *                     false: each sample is the amount since the previous poll
 * @param zone         offset for local-day (and hour) boundaries; default UTC+8
 * @param dayStartHour local hour at which a day starts (0 calendar day, 8 hydrological day, 20 meteorological day)
 */
public record AccumulateRule(boolean hourly, boolean daily, boolean cumulative, ZoneOffset zone, int dayStartHour) {
    public static final ZoneOffset DEFAULT_ZONE = ZoneOffset.ofHours(8);
}
