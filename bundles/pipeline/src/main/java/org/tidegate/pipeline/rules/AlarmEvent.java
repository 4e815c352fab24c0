package org.tidegate.pipeline.rules;

import java.util.List;
import java.util.Objects;

/**
 * An alarm transition of one rule on one channel.
 *
 * @param device     device id
 * @param channel    channel id ({@code ch} in the body)
 * @param event      the rule's event name
 * @param raised     true raised, false cleared
 * @param severity   the rule's severity (the same on raise and clear)
 * @param t          time of the sample that caused the transition, Unix ms
 * @param value      that sample's value
 * @param rule       rule form: above, below, state, rise or fall
 * @param limit      the line (above/below), the change (rise/fall), or null for state alarms
 * @param hysteresis the rule's hysteresis (0 for state alarms)
 * @param windowMs   window of a rate-of-change rule, 0 otherwise
 * @param change     the change over the window when a rate-of-change rule fired or cleared, null otherwise
 * @param actions    local actions bound to this rule
 */
public record AlarmEvent(String device, String channel, String event, boolean raised, Severity severity, long t,
                         Object value, String rule, Double limit, double hysteresis, long windowMs, Double change,
                         List<Action> actions) {
    public AlarmEvent {
        Objects.requireNonNull(device);
        Objects.requireNonNull(channel);
        Objects.requireNonNull(event);
        actions = List.copyOf(actions);
    }

    /** {@code raised} or {@code cleared}, as in the body's {@code state} field. */
    public String state() {
        return raised ? "raised" : "cleared";
    }

    /** Identifies the rule across transitions: {@code device/event} (event names are unique per device). */
    public String key() {
        return device + "/" + event;
    }
}
