package org.tidegate.pipeline.rules;

import java.util.List;

/**
 * The parsed {@code rules} object of one channel.
 *
 * @param channel      channel id
 * @param deadband     report a good numeric sample only when it differs from the last reported value by more
 *                     than this; null = report every sample
 * @param maxSilentMs  report at least this often even when unchanged (0 = never), only used with a deadband
 * @param thresholds   level and state alarms
 * @param rates        rate-of-change alarms
 * @param accumulate   rainfall totals, or null
 */
public record ChannelRules(String channel, Double deadband, long maxSilentMs, List<ThresholdRule> thresholds,
                           List<RateOfChangeRule> rates, AccumulateRule accumulate) {
    public ChannelRules {
        thresholds = List.copyOf(thresholds);
        rates = List.copyOf(rates);
    }

    /** No rules at all: every sample is reported, nothing else happens. */
    public static ChannelRules none(String channel) {
        return new ChannelRules(channel, null, 0, List.of(), List.of(), null);
    }
}
