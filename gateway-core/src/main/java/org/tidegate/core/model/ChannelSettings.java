package org.tidegate.core.model;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver's typed settings of one channel beyond the generic ones (e.g. a GPIO line's debounce and pull),
 * made by the driver's {@link org.tidegate.core.config.DriverSchema} and read only by that driver.
 * Implementations are immutable records.
 */
@ConsumerType
public interface ChannelSettings {
    /** For channels whose driver needs nothing beyond the generic attributes. */
    ChannelSettings NONE = new ChannelSettings() {
        @Override
        public String toString() {
            return "none";
        }
    };
}
