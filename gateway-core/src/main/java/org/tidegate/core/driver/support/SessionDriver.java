package org.tidegate.core.driver.support;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.DeviceSettings;

/**
 * A {@link FieldDriver} whose devices carry settings of type {@code S} (what its {@link DriverSchema} decoded):
 * {@link #open} takes the settings from the device, hands them to {@link #openSession}, and turns a configuration
 * the driver cannot work with ({@link IllegalArgumentException}) into a {@link DriverException} naming the device;
 * the sessions open are tracked until they close, and {@link #close()} closes the ones still open (which releases
 * their buses and listeners).
 *
 * @param <S> the driver's device settings
 */
@ConsumerType
public abstract class SessionDriver<S extends DeviceSettings> implements FieldDriver, AutoCloseable {
    private final DriverSchema schema;
    private final Class<S> settingsType;
    private final Set<DeviceSession> sessions = ConcurrentHashMap.newKeySet();

    protected SessionDriver(DriverSchema schema, Class<S> settingsType) {
        this.schema = schema;
        this.settingsType = settingsType;
    }

    /**
     * Opens the session of one device.
     *
     * @param closed to run when the session closes (it stops being tracked)
     * @throws IllegalArgumentException if the settings cannot work here (a port in use with other line settings,
     *                                  a station already received by another device)
     */
    protected abstract DeviceSession openSession(Device device, S settings, Runnable closed);

    @Override
    public final String protocol() {
        return schema.protocol();
    }

    @Override
    public final DriverSchema schema() {
        return schema;
    }

    @Override
    public final DeviceSession open(Device device) throws DriverException {
        S settings;
        try {
            settings = device.settings(settingsType);
        } catch (IllegalArgumentException e) {
            throw new DriverException(e.getMessage());
        }
        DeviceSession[] self = new DeviceSession[1];
        DeviceSession s;
        try {
            s = openSession(device, settings, () -> sessions.remove(self[0]));
        } catch (IllegalArgumentException e) {
            throw new DriverException("device " + device.id() + ": " + e.getMessage());
        }
        self[0] = s;
        sessions.add(s);
        return s;
    }

    /** Sessions open now. */
    protected final int openSessions() {
        return sessions.size();
    }

    /** Closes every session still open. */
    @Override
    public void close() {
        for (DeviceSession s : List.copyOf(sessions)) {
            s.close();
        }
    }
}
