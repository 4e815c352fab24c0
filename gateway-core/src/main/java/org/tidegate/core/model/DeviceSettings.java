package org.tidegate.core.model;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver's typed settings of one device (its connection and device-level options), made by the driver's
 * {@link org.tidegate.core.config.DriverSchema} and read only by that driver. Implementations are
 * immutable records; equality decides whether a running device must restart.
 */
@ConsumerType
public interface DeviceSettings {
    /** For devices whose driver needs no settings. */
    DeviceSettings NONE = new DeviceSettings() {
        @Override
        public String toString() {
            return "none";
        }
    };
}
