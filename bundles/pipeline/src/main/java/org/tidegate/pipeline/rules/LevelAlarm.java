package org.tidegate.pipeline.rules;

import org.tidegate.core.model.Sample;

/**
 * State of one threshold or boolean-state rule. Raised at the line, cleared only past the hysteresis band,
 * so a value hovering at the line raises once and stays raised. Samples that are not good leave the state as
 * it is: a sensor that stops answering neither raises nor clears an alarm.
 */
public final class LevelAlarm implements AlarmState {
    private final String device;
    private final String channel;
    private final ThresholdRule rule;
    private boolean raised;
    private AlarmEvent raisedBy;

    public LevelAlarm(String device, String channel, ThresholdRule rule) {
        this.device = device;
        this.channel = channel;
        this.rule = rule;
    }

    public boolean raised() {
        return raised;
    }

    @Override
    public String event() {
        return rule.event();
    }

    @Override
    public AlarmEvent raisedBy() {
        return raisedBy;
    }

    @Override
    public void restore(AlarmEvent raisedBy) {
        this.raised = true;
        this.raisedBy = raisedBy;
    }

    /** @return the transition this sample causes, or null */
    public AlarmEvent update(Sample s) {
        if (!s.isGood()) {
            return null;
        }
        double v = s.numeric();
        if (Double.isNaN(v)) {
            return null;
        }
        // Scaled register values land a hair off the line (350 * 0.01 = 3.4999999999999996): such a value is at it.
        double eps = 1e-9 * Math.max(1, Math.abs(rule.limit()));
        boolean next = switch (rule.kind()) {
            case ABOVE -> raised ? v >= rule.limit() - rule.hysteresis() - eps : v >= rule.limit() - eps;
            case BELOW -> raised ? v <= rule.limit() + rule.hysteresis() + eps : v <= rule.limit() + eps;
            case STATE -> (v != 0) == rule.whenTrue();
        };
        if (next == raised) {
            return null;
        }
        raised = next;
        Double limit = rule.kind() == ThresholdRule.Kind.STATE ? null : rule.limit();
        AlarmEvent e = new AlarmEvent(device, channel, rule.event(), raised, rule.severity(), s.timestamp(),
                s.value(), rule.ruleName(), limit, rule.hysteresis(), 0, null, rule.actions());
        raisedBy = raised ? e : null;
        return e;
    }
}
