package org.tidegate.driver.sl651;

import java.time.Duration;
import java.time.ZoneId;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.driver.serial.SerialLineUser;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.sl651.codec.Encoding;

/**
 * An SL 651 station as the centre receives it, made by {@link Sl651Schema}.
 *
 * @param listener      where the centre listens for the station's frames (several stations may share one)
 * @param station       the station address, 10 hex digits as sent (e.g. {@code 0011223344})
 * @param centre        the centre address frames must carry (1–255), or -1 for any
 * @param password      the password frames must carry (0–FFFF), or -1 for any
 * @param zone          the zone of the station's clock (observation and send times carry no zone)
 * @param reportTimeout the device is reported down after this long without a frame from the station
 * @param keepOnline    acknowledge with ESC (keep the link open) instead of EOT
 * @param encoding      the frames' encoding, HEX/BCD or ASCII (all stations on one listener share one)
 */
public record Sl651Settings(Listener listener, String station, int centre, int password, ZoneId zone,
                            Duration reportTimeout, boolean keepOnline, Encoding encoding) implements DeviceSettings, SerialLineUser {

    /** A station sending HEX/BCD frames. */
    public Sl651Settings(Listener listener, String station, int centre, int password, ZoneId zone,
                         Duration reportTimeout, boolean keepOnline) {
        this(listener, station, centre, password, zone, reportTimeout, keepOnline, Encoding.HEX);
    }

    /** Where the centre listens. */
    public sealed interface Listener permits Serial, Tcp {
        /** A key naming the listener: stations with equal keys share one. */
        String key();
    }

    /** A serial port (a radio modem, an RS-232 line): the line belongs to the station(s), no other protocol. */
    public record Serial(SerialSettings serial) implements Listener {
        @Override
        public String key() {
            return "serial:" + serial.port();
        }
    }

    /** A TCP port the stations connect to (GPRS/4G stations). */
    public record Tcp(String bind, int port) implements Listener {
        @Override
        public String key() {
            return "tcp:" + bind + ":" + port;
        }
    }

    @Override
    public SerialSettings serialLine() {
        return listener instanceof Serial s ? s.serial() : null;
    }
}
