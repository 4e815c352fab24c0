package org.tidegate.driver.sl651;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.sl651.internal.Receivers;
import org.tidegate.driver.sl651.internal.Sl651Opener;
import org.tidegate.driver.sl651.internal.Sl651Session;

/**
 * The SL 651-2014 centre-station receiver, usable without OSGi. Each device is one station; stations configured
 * on the same serial port or TCP port share one receiver, which acknowledges their reports and hands each to
 * its device by station address. A poll of the device returns what the station reported since the last poll,
 * stamped with the station's observation times.
 */
public final class Sl651Driver implements FieldDriver, AutoCloseable {
    public static final String PROTOCOL = Sl651Schema.PROTOCOL;
    private static final Sl651Schema SCHEMA = new Sl651Schema();

    private final Sl651Opener opener;
    private final Set<Sl651Session> sessions = ConcurrentHashMap.newKeySet();

    public Sl651Driver() {
        this(SerialBuses.shared());
    }

    public Sl651Driver(SerialBuses buses) {
        this.opener = new Sl651Opener(new Receivers(buses));
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public DriverSchema schema() {
        return SCHEMA;
    }

    @Override
    public DeviceSession open(Device device) throws DriverException {
        Sl651Settings settings;
        try {
            settings = device.settings(Sl651Settings.class);
        } catch (IllegalArgumentException e) {
            throw new DriverException(e.getMessage());
        }
        Sl651Session s;
        try {
            s = opener.open(device.id(), settings);
        } catch (IllegalArgumentException e) {
            throw new DriverException("device " + device.id() + ": " + e.getMessage());
        }
        sessions.add(s);
        s.onClosed(() -> sessions.remove(s));
        return s;
    }

    /** Closes every session still open, which stops their receivers. */
    @Override
    public void close() {
        for (Sl651Session s : List.copyOf(sessions)) {
            s.close();
        }
    }
}
