package org.tidegate.pipeline.rules;

import java.util.List;
import org.tidegate.core.model.Sample;

/**
 * What the rules made of one poll of one device.
 *
 * @param telemetry samples to report (after deadband), followed by derived samples (rain totals)
 * @param alarms    alarm transitions, in channel and rule order
 */
public record Evaluation(List<Sample> telemetry, List<AlarmEvent> alarms) {
    public Evaluation {
        telemetry = List.copyOf(telemetry);
        alarms = List.copyOf(alarms);
    }
}
