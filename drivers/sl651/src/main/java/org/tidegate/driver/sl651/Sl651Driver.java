package org.tidegate.driver.sl651;

import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.support.SessionDriver;
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
public final class Sl651Driver extends SessionDriver<Sl651Settings> {
    public static final String PROTOCOL = Sl651Schema.PROTOCOL;

    private final Sl651Opener opener;

    public Sl651Driver() {
        this(SerialBuses.shared());
    }

    public Sl651Driver(SerialBuses buses) {
        super(new Sl651Schema(), Sl651Settings.class);
        this.opener = new Sl651Opener(new Receivers(buses));
    }

    @Override
    protected DeviceSession openSession(Device device, Sl651Settings settings, Runnable closed) {
        Sl651Session s = opener.open(device.id(), settings);
        s.onClosed(closed);
        return s;
    }
}
