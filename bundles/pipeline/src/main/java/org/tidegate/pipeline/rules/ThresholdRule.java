package org.tidegate.pipeline.rules;

import java.util.List;

/**
 * A level alarm on one channel. Exactly one of the three forms:
 * {@code above} (raised at value &ge; limit, cleared below limit &minus; hysteresis),
 * {@code below} (raised at value &le; limit, cleared above limit + hysteresis), or
 * a boolean state (raised while the value equals {@code whenTrue}).
 */
public record ThresholdRule(String event, Kind kind, double limit, double hysteresis, boolean whenTrue,
                            Severity severity, List<Action> actions) {
    public enum Kind { ABOVE, BELOW, STATE }

    public ThresholdRule {
        actions = List.copyOf(actions);
    }

    /** The wire name of the rule form: {@code above}, {@code below} or {@code state}. */
    public String ruleName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
