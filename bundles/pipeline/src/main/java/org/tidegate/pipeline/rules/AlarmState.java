package org.tidegate.pipeline.rules;

/** What a configuration reload needs from an alarm rule's state: which event it is, whether it is raised. */
interface AlarmState {
    String event();

    /** The transition that raised it, or null while it is not raised. */
    AlarmEvent raisedBy();

    /** Marks it raised (it was under the previous configuration), so it clears normally later. */
    void restore(AlarmEvent raisedBy);
}
