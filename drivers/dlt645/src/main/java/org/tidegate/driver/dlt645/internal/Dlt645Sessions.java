package org.tidegate.driver.dlt645.internal;

import org.tidegate.core.driver.support.SharedByKey;
import org.tidegate.core.model.Device;
import org.tidegate.driver.dlt645.Dlt645Settings;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialBuses;

/**
 * Opens meter sessions on their links: meters on one serial port share its {@link SerialBus} (with every other
 * protocol there, through {@link SerialBuses}); meters behind one TCP host and port share one {@link TcpLink},
 * counted by users and closed with the last.
 */
public final class Dlt645Sessions {
    private final SerialBuses buses;
    private final SharedByKey<String, TcpLink> tcp = new SharedByKey<>(TcpLink::close);

    public Dlt645Sessions(SerialBuses buses) {
        this.buses = buses;
    }

    /**
     * @throws IllegalArgumentException if the serial port is in use with other line settings
     */
    public Dlt645Session open(Device device, Dlt645Settings settings) {
        long timeout = Math.max(1, device.timeout().toMillis());
        long maxBackoff = Math.max(100, device.pollInterval().toMillis());
        MeterLink link;
        if (settings.tcp() != null) {
            link = tcp(settings.tcp(), timeout, maxBackoff);
        } else {
            SerialBus bus = buses.acquire(settings.serial(), maxBackoff);
            link = new BusLink(bus, () -> buses.release(bus));
        }
        return new Dlt645Session(device.id(), settings, link, timeout, device.retries(), device.pollInterval().toMillis());
    }

    private MeterLink tcp(Dlt645Settings.Tcp endpoint, long timeout, long maxBackoff) {
        String key = endpoint.host() + ":" + endpoint.port();
        TcpLink[] self = new TcpLink[1];
        return tcp.acquire(key, () -> self[0] = new TcpLink(endpoint.host(), endpoint.port(), timeout, maxBackoff,
                () -> tcp.release(key, self[0])), shared -> { });
    }
}
