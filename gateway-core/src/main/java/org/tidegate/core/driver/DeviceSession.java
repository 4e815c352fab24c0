package org.tidegate.core.driver;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.model.Channel;

/**
 * A driver's live handle on one device. Called from one poll thread at a time per device; drivers
 * must not block longer than the device's timeout times its attempts for one {@link #read}.
 */
@ConsumerType
public interface DeviceSession extends AutoCloseable {

    /**
     * Reads a batch of channels. Never throws for a device or channel problem. A polled device (Modbus, DL/T 645,
     * GPIO) gives every channel its own {@link ChannelReading}, in the order given, with a status saying what went
     * wrong. A device that reports by itself (an SL 651 station the gateway listens to) returns what arrived since
     * the last call: several readings of a channel (each with its own observation time), or none at all; the poller
     * counts an empty answer as the device being up.
     */
    List<ChannelReading> read(List<Channel> channels);

    /**
     * Writes one channel's raw value (already converted from engineering units).
     *
     * @return the outcome; {@link ReadStatus#OK} if the device confirmed the write
     */
    ChannelReading write(Channel channel, Object rawValue);

    /**
     * Failed requests since the session opened, by reason: the lower-case {@link ReadStatus} name
     * ({@code timeout}, {@code noise}, {@code crc_error}, ...) to a count. Reported in the device's health.
     * Drivers that do not count return an empty map (the default).
     */
    default java.util.Map<String, Long> faultCounts() {
        return java.util.Map.of();
    }

    /** Releases the session's share of the transport; idempotent. */
    @Override
    void close();
}
