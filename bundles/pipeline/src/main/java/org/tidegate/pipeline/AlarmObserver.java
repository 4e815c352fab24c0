package org.tidegate.pipeline;

import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.pipeline.rules.AlarmEvent;

/**
 * Told of every alarm transition the pipeline publishes (whiteboard service), e.g. the local console's list of
 * recent alarms. Called on the thread that raised or cleared the alarm (a device's poll thread): it must return
 * at once and must not throw; the pipeline logs and ignores an observer that does. An observer that arrives while
 * alarms are raised is first told of each of them (its raising event, with its original time), so it starts with
 * the open alarms (since 2.2).
 */
@ConsumerType
public interface AlarmObserver {
    void alarmChanged(AlarmEvent event);
}
