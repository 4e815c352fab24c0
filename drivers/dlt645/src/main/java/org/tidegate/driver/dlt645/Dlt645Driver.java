package org.tidegate.driver.dlt645;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.internal.Dlt645Session;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialBuses;

/**
 * The DL/T 645-2007 master, usable without OSGi: one session per meter, on the {@link SerialBus} of its port,
 * shared fairly with every other device (of any protocol) on that line: each request takes the line for one
 * exchange, bounded by the device's timeout, retried {@code retries} times; channels of one data block are read
 * with one request.
 */
public final class Dlt645Driver implements FieldDriver, AutoCloseable {
    public static final String PROTOCOL = Dlt645Schema.PROTOCOL;
    private static final Dlt645Schema SCHEMA = new Dlt645Schema();

    private final SerialBuses buses;
    private final Set<Dlt645Session> sessions = ConcurrentHashMap.newKeySet();

    public Dlt645Driver() {
        this(SerialBuses.shared());
    }

    public Dlt645Driver(SerialBuses buses) {
        this.buses = buses;
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
        Dlt645Settings settings;
        try {
            settings = device.settings(Dlt645Settings.class);
        } catch (IllegalArgumentException e) {
            throw new DriverException(e.getMessage());
        }
        long maxBackoff = Math.max(100, device.pollInterval().toMillis());
        SerialBus bus;
        try {
            bus = buses.acquire(settings.serial(), maxBackoff);
        } catch (IllegalArgumentException e) {
            throw new DriverException("device " + device.id() + ": " + e.getMessage());
        }
        Dlt645Session s = new Dlt645Session(device.id(), settings, bus, Math.max(1, device.timeout().toMillis()),
                device.retries(), device.pollInterval().toMillis(), () -> buses.release(bus));
        sessions.add(s);
        s.onClosed(() -> sessions.remove(s));
        return s;
    }

    /** Closes every session still open, which releases their buses. */
    @Override
    public void close() {
        for (Dlt645Session s : List.copyOf(sessions)) {
            s.close();
        }
    }
}
