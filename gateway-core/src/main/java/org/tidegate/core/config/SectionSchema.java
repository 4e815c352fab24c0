package org.tidegate.core.config;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One section of {@code gateway.json} (e.g. {@code "store"}), owned by the bundle whose component it
 * configures and listed in its {@code META-INF/services/org.tidegate.core.config.SectionSchema}. The schema
 * is the one place that knows the section's keys, their limits and their defaults.
 */
@ConsumerType
public interface SectionSchema {

    /** The key in {@code gateway.json}. */
    String name();

    /** Whether {@code gateway.json} must have this section (otherwise every key takes its default). */
    default boolean required() {
        return false;
    }

    /** The ConfigAdmin PID of the component this section configures. */
    default String pid() {
        return "org.tidegate." + name();
    }

    /**
     * Checks the section (an empty object when absent) and returns the component's configuration: every key
     * with its value or default, paths resolved against the home. Problems are recorded on {@code section}.
     * Called for validation and for applying alike, so the two cannot disagree.
     */
    Map<String, Object> properties(ConfigNode section, HomeInfo home);
}
