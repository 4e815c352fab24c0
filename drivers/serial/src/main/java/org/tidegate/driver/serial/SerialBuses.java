package org.tidegate.driver.serial;

import org.tidegate.core.driver.support.SharedByKey;

/**
 * Hands out one {@link SerialBus} per serial port, counted by users, so that every driver talking over the same
 * RS-485 port (several Modbus devices, or Modbus and a meter protocol) shares one lock. The bus closes when its
 * last user releases it.
 */
public final class SerialBuses {
    private static final SerialBuses SHARED = new SerialBuses();

    private final SharedByKey<String, SerialBus> buses = new SharedByKey<>(SerialBus::close);

    /** The process-wide registry. */
    public static SerialBuses shared() {
        return SHARED;
    }

    /**
     * The bus on {@code settings.port()}, created if needed.
     *
     * @throws IllegalArgumentException if the port is already in use with other line settings
     */
    public SerialBus acquire(SerialSettings settings, long maxBackoffMillis) {
        return buses.acquire(settings.port(), () -> new SerialBus(settings, maxBackoffMillis), bus -> {
            if (!bus.settings().equals(settings)) {
                throw new IllegalArgumentException("serial port " + settings.port() + " is already in use as "
                        + bus.settings() + ", not " + settings);
            }
        });
    }

    /** Gives back one use of the bus; the last one closes it. */
    public void release(SerialBus bus) {
        buses.release(bus.settings().port(), bus);
    }

    /** Users of the bus on {@code port}, 0 if none. */
    public int users(String port) {
        return buses.users(port);
    }
}
