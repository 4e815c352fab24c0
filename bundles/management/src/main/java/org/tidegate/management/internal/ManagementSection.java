package org.tidegate.management.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionProperties;
import org.tidegate.core.config.SectionSchema;

/**
 * The {@code management} section of gateway.json: how long a remote change is on trial, how many commands may wait,
 * how long a command may wait before it is no longer run. The one place that knows these keys, limits and defaults
 * (docs/configuration.md, docs/remote-management.md).
 */
public final class ManagementSection implements SectionSchema {
    public static final String NAME = "management";
    public static final String PID = "org.tidegate.management";

    /** {@code trialSeconds}: time for changed devices and components to come up after a change. */
    public static final long DEFAULT_TRIAL_SECONDS = 30;
    public static final long MIN_TRIAL_SECONDS = 1;
    public static final long MAX_TRIAL_SECONDS = 600;
    /** {@code brokerTrialSeconds}: after a change of the broker section, time to be connected again. */
    public static final long DEFAULT_BROKER_TRIAL_SECONDS = 60;
    public static final long MIN_BROKER_TRIAL_SECONDS = 1;
    public static final long MAX_BROKER_TRIAL_SECONDS = 900;
    /** {@code queueCapacity}: management commands waiting for the management thread; beyond it: BUSY. */
    public static final long DEFAULT_QUEUE_CAPACITY = 16;
    public static final long MIN_QUEUE_CAPACITY = 1;
    public static final long MAX_QUEUE_CAPACITY = 256;
    /** {@code commandDeadlineSeconds}: a command that waited longer than this is answered EXPIRED, not run. */
    public static final long DEFAULT_COMMAND_DEADLINE_SECONDS = 120;
    public static final long MIN_COMMAND_DEADLINE_SECONDS = 1;
    public static final long MAX_COMMAND_DEADLINE_SECONDS = 3600;

    /** Typed settings of the section. */
    public record Settings(long trialMs, long brokerTrialMs, int queueCapacity, long commandDeadlineMs) {
        public static Settings defaults() {
            return new Settings(DEFAULT_TRIAL_SECONDS * 1000, DEFAULT_BROKER_TRIAL_SECONDS * 1000,
                    (int) DEFAULT_QUEUE_CAPACITY, DEFAULT_COMMAND_DEADLINE_SECONDS * 1000);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String pid() {
        return PID;
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        Settings c = settings(s);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trialSeconds", c.trialMs() / 1000);
        out.put("brokerTrialSeconds", c.brokerTrialMs() / 1000);
        out.put("queueCapacity", (long) c.queueCapacity());
        out.put("commandDeadlineSeconds", c.commandDeadlineMs() / 1000);
        return out;
    }

    /** The component's ConfigAdmin properties through this schema. @throws IllegalArgumentException every problem */
    public static Settings read(Map<String, ?> properties) {
        return SectionProperties.read(PID, properties, false, (node, info) -> settings(node));
    }

    static Settings settings(ConfigNode s) {
        long trial = s.integer("trialSeconds", MIN_TRIAL_SECONDS, MAX_TRIAL_SECONDS, DEFAULT_TRIAL_SECONDS, false);
        long broker = s.integer("brokerTrialSeconds", MIN_BROKER_TRIAL_SECONDS, MAX_BROKER_TRIAL_SECONDS,
                DEFAULT_BROKER_TRIAL_SECONDS, false);
        long queue = s.integer("queueCapacity", MIN_QUEUE_CAPACITY, MAX_QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY, false);
        long deadline = s.integer("commandDeadlineSeconds", MIN_COMMAND_DEADLINE_SECONDS, MAX_COMMAND_DEADLINE_SECONDS,
                DEFAULT_COMMAND_DEADLINE_SECONDS, false);
        return new Settings(trial * 1000, broker * 1000, (int) queue, deadline * 1000);
    }
}
