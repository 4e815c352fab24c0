package org.tidegate.pipeline.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;

/**
 * The rule engine of one device: feed it each poll's batch, get back what to report and which alarms moved.
 * Time is the samples' own timestamps, so tests drive it with any simulated clock. Not thread-safe: one poll
 * thread per device feeds it (callers synchronise otherwise).
 */
public final class DeviceRules {
    private final String device;
    private final Map<String, ChannelRules> rules;
    private final Map<String, ChannelEvaluator> evaluators = new HashMap<>();

    public DeviceRules(String device, Map<String, ChannelRules> rules) {
        this.device = device;
        this.rules = Map.copyOf(rules);
    }

    /** Parses the device's channel rules strictly. @throws RuleConfigException naming every problem */
    public static DeviceRules of(Device device) {
        return new DeviceRules(device.id(), RuleParser.parse(device));
    }

    public String device() {
        return device;
    }

    public Map<String, ChannelRules> rules() {
        return rules;
    }

    public Evaluation evaluate(SampleBatch batch) {
        List<Sample> telemetry = new ArrayList<>(batch.samples().size());
        List<AlarmEvent> alarms = new ArrayList<>(0);
        for (Sample s : batch.samples()) {
            evaluators.computeIfAbsent(s.channel(),
                    ch -> new ChannelEvaluator(device, rules.getOrDefault(ch, ChannelRules.none(ch))))
                    .evaluate(s, telemetry, alarms);
        }
        return new Evaluation(telemetry, alarms);
    }
}
