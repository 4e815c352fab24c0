package org.tidegate.pipeline.rules;

import org.tidegate.core.model.Sample;

/**
 * State of one threshold or boolean-state rule. Raised at the line, cleared only past the hysteresis band,
 * so a value hovering at the line raises once and stays raised. Samples that are not good leave the state as
 * it is: a sensor that stops answering neither raises nor clears an alarm.
 */
public final class LevelAlarm extends AlarmTracker {
    private final ThresholdRule rule;

    public LevelAlarm(String device, String channel, ThresholdRule rule) {
        super(device, channel, rule.event());
        this.rule = rule;
    }

    /** @return the transition this sample causes, or null */
    public AlarmEvent update(Sample s) {
        double v = goodValue(s);
        if (Double.isNaN(v)) {
            return null;
        }
        // Scaled register values land a hair off the line (350 * 0.01 = 3.4999999999999996): such a value is at it.
        double eps = 1e-9 * Math.max(1, Math.abs(rule.limit()));
        boolean next = switch (rule.kind()) {
            case ABOVE -> raised() ? v >= rule.limit() - rule.hysteresis() - eps : v >= rule.limit() - eps;
            case BELOW -> raised() ? v <= rule.limit() + rule.hysteresis() + eps : v <= rule.limit() + eps;
            case STATE -> (v != 0) == rule.whenTrue();
        };
        if (next == raised()) {
            return null;
        }
        Double limit = rule.kind() == ThresholdRule.Kind.STATE ? null : rule.limit();
        return transition(new AlarmEvent(device, channel, rule.event(), next, rule.severity(), s.timestamp(),
                s.value(), rule.ruleName(), limit, rule.hysteresis(), 0, null, rule.actions()));
    }
}
