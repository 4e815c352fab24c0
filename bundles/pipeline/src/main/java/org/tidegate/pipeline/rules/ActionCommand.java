package org.tidegate.pipeline.rules;

/**
 * A write the action coordinator decided on.
 *
 * @param action     the bound action (target device and channel)
 * @param value      engineering value to write
 * @param engage     true when the first bound alarm raised, false when the last one cleared
 * @param cause      the alarm transition that caused it
 * @param generation per-target counter: a command is stale once a newer one for the same target exists
 */
public record ActionCommand(Action action, Object value, boolean engage, AlarmEvent cause, long generation) {
}
