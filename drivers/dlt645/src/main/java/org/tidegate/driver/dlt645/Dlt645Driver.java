package org.tidegate.driver.dlt645;

import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.support.SessionDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.internal.Dlt645Session;
import org.tidegate.driver.dlt645.internal.Dlt645Sessions;
import org.tidegate.driver.serial.SerialBuses;

/**
 * The DL/T 645-2007 master, usable without OSGi: one session per meter, on the {@link org.tidegate.driver.serial.SerialBus}
 * of its port, shared fairly with every other device (of any protocol) on that line, or behind a TCP serial server
 * (meters on one host and port share one connection the same way): each request takes the line for one
 * exchange, bounded by the device's timeout, retried {@code retries} times; channels of one data block are read
 * with one request.
 */
public final class Dlt645Driver extends SessionDriver<Dlt645Settings> {
    public static final String PROTOCOL = Dlt645Schema.PROTOCOL;

    private final Dlt645Sessions opener;

    public Dlt645Driver() {
        this(SerialBuses.shared());
    }

    public Dlt645Driver(SerialBuses buses) {
        super(new Dlt645Schema(), Dlt645Settings.class);
        this.opener = new Dlt645Sessions(buses);
    }

    @Override
    protected DeviceSession openSession(Device device, Dlt645Settings settings, Runnable closed) {
        Dlt645Session s = opener.open(device, settings);
        s.onClosed(closed);
        return s;
    }
}
