package org.tidegate.driver.sl651.internal;

import java.util.HashMap;
import java.util.Map;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialBuses;
import org.tidegate.driver.sl651.Sl651Settings;

/**
 * One {@link Receiver} per listener (serial port or TCP port), shared by the stations configured on it; it
 * starts with its first station and closes with its last.
 */
public final class Receivers {
    private final SerialBuses buses;
    private final Map<String, Receiver> receivers = new HashMap<>();

    public Receivers(SerialBuses buses) {
        this.buses = buses;
    }

    /**
     * Registers a station on its listener, starting the listener if needed.
     *
     * @throws IllegalArgumentException if the station is already received there, or the serial port is in use
     *                                  with other line settings
     */
    synchronized Receiver acquire(StationInbox inbox) {
        Sl651Settings.Listener l = inbox.settings().listener();
        Receiver r = receivers.get(l.key());
        boolean fresh = r == null;
        if (fresh) {
            if (l instanceof Sl651Settings.Serial s) {
                SerialBus bus = buses.acquire(s.serial(), 10_000);
                r = new SerialReceiver(buses, bus, inbox.settings().encoding());
            } else {
                Sl651Settings.Tcp t = (Sl651Settings.Tcp) l;
                r = new TcpReceiver(t.bind(), t.port(), inbox.settings().encoding());
            }
        }
        try {
            r.register(inbox);
        } catch (IllegalArgumentException e) {
            if (fresh) {
                r.close();
            }
            throw e;
        }
        if (fresh) {
            receivers.put(l.key(), r);
            r.start();
        }
        return r;
    }

    synchronized void release(Receiver r, StationInbox inbox) {
        r.unregister(inbox);
        if (r.idle()) {
            receivers.values().remove(r);
            r.close();
        }
    }
}
