package org.tidegate.driver.serial;

import java.util.HashMap;
import java.util.Map;

/**
 * Hands out one {@link SerialBus} per serial port, counted by users, so that every driver talking over the same
 * RS-485 port (several Modbus devices, or Modbus and a meter protocol) shares one lock. The bus closes when its
 * last user releases it.
 */
public final class SerialBuses {
    private static final SerialBuses SHARED = new SerialBuses();

    private final Map<String, Entry> buses = new HashMap<>();

    private static final class Entry {
        final SerialBus bus;
        int users;

        Entry(SerialBus bus) {
            this.bus = bus;
        }
    }

    /** The process-wide registry. */
    public static SerialBuses shared() {
        return SHARED;
    }

    /**
     * The bus on {@code settings.port()}, created if needed.
     *
     * @throws IllegalArgumentException if the port is already in use with other line settings
     */
    public synchronized SerialBus acquire(SerialSettings settings, long maxBackoffMillis) {
        Entry e = buses.get(settings.port());
        if (e == null) {
            e = new Entry(new SerialBus(settings, maxBackoffMillis));
            buses.put(settings.port(), e);
        } else if (!e.bus.settings().equals(settings)) {
            throw new IllegalArgumentException("serial port " + settings.port() + " is already in use as "
                    + e.bus.settings() + ", not " + settings);
        }
        e.users++;
        return e.bus;
    }

    /** Gives back one use of the bus; the last one closes it. */
    public synchronized void release(SerialBus bus) {
        Entry e = buses.get(bus.settings().port());
        if (e != null && e.bus == bus && --e.users == 0) {
            buses.remove(bus.settings().port());
            bus.close();
        }
    }

    /** Users of the bus on {@code port}, 0 if none. */
    public synchronized int users(String port) {
        Entry e = buses.get(port);
        return e == null ? 0 : e.users;
    }
}
