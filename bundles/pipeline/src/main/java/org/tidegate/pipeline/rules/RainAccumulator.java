package org.tidegate.pipeline.rules;

import java.util.ArrayList;
import java.util.List;
import org.tidegate.core.model.Sample;

/**
 * Totals of a counter channel (a tipping-bucket rain gauge in mm) per clock hour ({@code <ch>_1h}) and per
 * local day ({@code <ch>_day}), boundaries aligned to the configured UTC offset and day-start hour.
 *
 * <p>Each derived channel carries the running total of the current period. It is emitted when it changes,
 * whenever the source channel itself is reported (so it shares the source's heartbeat), and once when a
 * period closes: then with the closed period's final total, timestamped at the period's last millisecond,
 * before the new period starts from zero. Rain that fell between the last poll before a boundary and the
 * first poll after it counts to the new period (error at most one poll interval).
 *
 * <p>A cumulative counter that goes down (driver restart, counter wrap) is taken to have restarted from zero.
 * Totals live in memory: after a gateway restart the current hour and day count from the restart; the raw
 * counter channel lets the cloud recompute them.
 */
public final class RainAccumulator {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;

    private final String device;
    private final String hourChannel;
    private final String dayChannel;
    private final AccumulateRule rule;
    private final long offsetMs;
    private final long dayShiftMs;
    private boolean started;
    private double lastCounter = Double.NaN;
    private long hour;
    private long day;
    private double hourTotal;
    private double dayTotal;

    public RainAccumulator(String device, String channel, AccumulateRule rule) {
        this.device = device;
        this.hourChannel = channel + "_1h";
        this.dayChannel = channel + "_day";
        this.rule = rule;
        this.offsetMs = rule.zone().getTotalSeconds() * 1000L;
        this.dayShiftMs = offsetMs - rule.dayStartHour() * HOUR;
    }

    /** Feeds one sample of the counter channel; returns the derived samples to report now. */
    public List<Sample> update(Sample s, boolean sourceReported) {
        if (!s.isGood() || Double.isNaN(s.numeric())) {
            return List.of();
        }
        long t = s.timestamp();
        double v = s.numeric();
        long h = Math.floorDiv(t + offsetMs, HOUR);
        long d = Math.floorDiv(t + dayShiftMs, DAY);
        List<Sample> out = new ArrayList<>(4);
        boolean emit = sourceReported || !started;
        if (!started) {
            started = true;
            hour = h;
            day = d;
        }
        if (h != hour) {
            if (rule.hourly()) {
                out.add(sample(hourChannel, (hour + 1) * HOUR - offsetMs - 1, hourTotal, s.unit()));
            }
            hour = h;
            hourTotal = 0;
            emit = true;
        }
        if (d != day) {
            if (rule.daily()) {
                out.add(sample(dayChannel, (day + 1) * DAY - dayShiftMs - 1, dayTotal, s.unit()));
            }
            day = d;
            dayTotal = 0;
            emit = true;
        }
        double increment;
        if (rule.cumulative()) {
            increment = Double.isNaN(lastCounter) ? 0 : v >= lastCounter ? v - lastCounter : v;
            lastCounter = v;
        } else {
            increment = Math.max(0, v);
        }
        if (increment > 0) {
            hourTotal = round(hourTotal + increment);
            dayTotal = round(dayTotal + increment);
            emit = true;
        }
        if (emit) {
            if (rule.hourly()) {
                out.add(sample(hourChannel, t, hourTotal, s.unit()));
            }
            if (rule.daily()) {
                out.add(sample(dayChannel, t, dayTotal, s.unit()));
            }
        }
        return out;
    }

    public double hourTotal() {
        return hourTotal;
    }

    public double dayTotal() {
        return dayTotal;
    }

    private Sample sample(String channel, long t, double total, String unit) {
        return Sample.good(device, channel, t, total, unit);
    }

    private static double round(double mm) {
        // Sums of 0.1-style increments drift in binary; a micrometre is far below any gauge's resolution.
        return Math.round(mm * 1e6) / 1e6;
    }
}
