package org.tidegate.pipeline.rules;

import java.util.List;

/**
 * A rate-of-change alarm: raised when the value has risen ({@code rising}) or fallen by at least
 * {@code amount} within the sliding window {@code windowMs}; cleared when the change over the window is
 * back below {@code amount - hysteresis}.
 */
public record RateOfChangeRule(String event, boolean rising, double amount, long windowMs, double hysteresis,
                               Severity severity, List<Action> actions) {
    public RateOfChangeRule {
        actions = List.copyOf(actions);
    }

    public String ruleName() {
        return rising ? "rise" : "fall";
    }
}
