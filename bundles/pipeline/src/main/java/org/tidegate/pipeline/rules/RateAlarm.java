package org.tidegate.pipeline.rules;

import java.util.ArrayDeque;
import org.tidegate.core.model.Sample;

/**
 * State of one rate-of-change rule over a sliding time window. For a rise it keeps the window's minimum
 * (for a fall its maximum) in a monotonic deque, so each sample costs O(1) amortised however long the
 * window: the change is {@code value - min} (or {@code max - value}). Raised when the change reaches the
 * amount, cleared when it is back below {@code amount - hysteresis}. Only good samples count; the window is
 * measured in sample time, so a gap in the data simply ages old samples out.
 */
public final class RateAlarm extends AlarmTracker {
    private final RateOfChangeRule rule;
    // Candidates for the window extreme: times ascending, values ascending (rise) or descending (fall).
    private final ArrayDeque<double[]> extremes = new ArrayDeque<>();

    public RateAlarm(String device, String channel, RateOfChangeRule rule) {
        super(device, channel, rule.event());
        this.rule = rule;
    }

    /** @return the transition this sample causes, or null */
    public AlarmEvent update(Sample s) {
        double v = goodValue(s);
        if (Double.isNaN(v)) {
            return null;
        }
        double t = s.timestamp();
        while (!extremes.isEmpty() && extremes.peekFirst()[0] < t - rule.windowMs()) {
            extremes.pollFirst();
        }
        while (!extremes.isEmpty() && (rule.rising() ? extremes.peekLast()[1] >= v : extremes.peekLast()[1] <= v)) {
            extremes.pollLast();
        }
        extremes.addLast(new double[] {t, v});
        double extreme = extremes.peekFirst()[1];
        double change = rule.rising() ? v - extreme : extreme - v;
        double eps = 1e-9 * Math.max(1, rule.amount()); // 2.3 - 2.0 is 0.2999999999999998 in binary
        boolean next = raised() ? change >= rule.amount() - rule.hysteresis() - eps : change >= rule.amount() - eps;
        if (next == raised()) {
            return null;
        }
        return transition(new AlarmEvent(device, channel, rule.event(), next, rule.severity(), s.timestamp(), s.value(),
                rule.ruleName(), rule.amount(), rule.hysteresis(), rule.windowMs(), round(change), rule.actions()));
    }

    private static double round(double change) {
        // Float arithmetic noise (0.30000000000000004) is not information; nine decimals keep any real sensor's resolution.
        return Math.round(change * 1e9) / 1e9;
    }
}
