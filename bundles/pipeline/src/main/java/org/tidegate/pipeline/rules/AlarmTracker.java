package org.tidegate.pipeline.rules;

import org.tidegate.core.model.Sample;

/**
 * The raised/cleared bookkeeping shared by every alarm rule's state: which event, whether it is raised, the
 * transition that raised it, and restoring it across a configuration reload. Subclasses decide transitions.
 */
abstract class AlarmTracker implements AlarmState {
    protected final String device;
    protected final String channel;
    private final String event;
    private boolean raised;
    private AlarmEvent raisedBy;

    AlarmTracker(String device, String channel, String event) {
        this.device = device;
        this.channel = channel;
        this.event = event;
    }

    public boolean raised() {
        return raised;
    }

    @Override
    public String event() {
        return event;
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

    /** Records the transition {@code e} (raised or cleared, per {@code e.raised()}) and returns it. */
    protected AlarmEvent transition(AlarmEvent e) {
        raised = e.raised();
        raisedBy = raised ? e : null;
        return e;
    }

    /**
     * The sample's number, or NaN when it is not good or not numeric: a sensor that stops answering neither
     * raises nor clears an alarm.
     */
    protected static double goodValue(Sample s) {
        return s.isGood() ? s.numeric() : Double.NaN;
    }
}
