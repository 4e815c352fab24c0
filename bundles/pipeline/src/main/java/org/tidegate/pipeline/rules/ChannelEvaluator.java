package org.tidegate.pipeline.rules;

import java.util.ArrayList;
import java.util.List;
import org.tidegate.core.model.Sample;

/** All rule state of one channel: report filter, alarms, accumulation. Not thread-safe (one per device lane). */
final class ChannelEvaluator {
    final ChannelRules rules;
    private final ReportFilter filter;
    private final List<LevelAlarm> levels = new ArrayList<>();
    private final List<RateAlarm> rates = new ArrayList<>();
    private final RainAccumulator accumulator;

    ChannelEvaluator(String device, ChannelRules rules) {
        this.rules = rules;
        this.filter = new ReportFilter(rules.deadband(), rules.maxSilentMs());
        rules.thresholds().forEach(t -> levels.add(new LevelAlarm(device, rules.channel(), t)));
        rules.rates().forEach(r -> rates.add(new RateAlarm(device, rules.channel(), r)));
        this.accumulator = rules.accumulate() == null ? null
                : new RainAccumulator(device, rules.channel(), rules.accumulate());
    }

    List<AlarmState> alarms() {
        List<AlarmState> out = new ArrayList<>(levels);
        out.addAll(rates);
        return out;
    }

    void evaluate(Sample s, List<Sample> telemetry, List<AlarmEvent> alarms) {
        int before = alarms.size();
        for (LevelAlarm a : levels) {
            AlarmEvent e = a.update(s);
            if (e != null) {
                alarms.add(e);
            }
        }
        for (RateAlarm a : rates) {
            AlarmEvent e = a.update(s);
            if (e != null) {
                alarms.add(e);
            }
        }
        // The sample that moved an alarm is always reported, so the cloud sees the value beside the alarm.
        boolean reported = filter.report(s, alarms.size() > before);
        if (reported) {
            telemetry.add(s);
        }
        if (accumulator != null) {
            telemetry.addAll(accumulator.update(s, reported));
        }
    }
}
