package org.tidegate.console.internal;

import java.io.IOException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Restarts one device's connection: its device component's configuration is given to ConfigAdmin again, unchanged,
 * and Declarative Services stops the component (the poller finishes its poll, the driver session closes) and starts
 * it anew (a fresh session: a new TCP connection, the serial line reopened). The pipeline keeps the device's alarm
 * state across it, as across any configuration reload. The minimal restart hook; nothing else changes.
 */
final class DeviceRestarter {
    static final String DEVICE_FACTORY_PID = "org.tidegate.device";

    /** ConfigAdmin as it is when a restart is asked for (null while it is away). */
    abstract static class Admin {
        abstract ConfigurationAdmin get();
    }

    private final Admin admin;

    DeviceRestarter(Admin admin) {
        this.admin = admin;
    }

    /** @return false if no device with this id is configured */
    boolean restart(String deviceId) throws IOException {
        if (!org.tidegate.core.model.Ids.isValid(deviceId)) {
            return false;
        }
        ConfigurationAdmin cm = admin.get();
        if (cm == null) {
            throw new IOException("ConfigurationAdmin is not available");
        }
        Configuration[] found;
        try {
            found = cm.listConfigurations("(&(service.factoryPid=" + DEVICE_FACTORY_PID + ")(device.id=" + deviceId + "))");
        } catch (InvalidSyntaxException e) {
            return false;
        }
        if (found == null || found.length == 0) {
            return false;
        }
        Configuration c = found[0];
        // update() (not updateIfDifferent): the same properties, a new change count, so the component restarts.
        c.update(c.getProperties());
        return true;
    }
}
