package org.tidegate.core.driver;

import java.util.Objects;
import org.tidegate.core.model.Channel;

/**
 * What a driver got for one channel: a decoded raw value (before scale and offset) or a status that says
 * why there is none.
 *
 * @param channel   the channel read
 * @param raw       decoded raw value ({@code Long}, {@code Double}, {@code Boolean}, {@code String}); null unless OK
 * @param status    outcome
 * @param detail    human-readable reason when not OK (exception code, bytes received ...)
 * @param timestamp when the value was taken, Unix ms
 */
public record ChannelReading(Channel channel, Object raw, ReadStatus status, String detail, long timestamp) {

    public ChannelReading {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    public static ChannelReading ok(Channel channel, Object raw, long timestamp) {
        return new ChannelReading(channel, raw, ReadStatus.OK, "", timestamp);
    }

    public static ChannelReading failed(Channel channel, ReadStatus status, String detail, long timestamp) {
        return new ChannelReading(channel, null, status, detail, timestamp);
    }

    public boolean ok() {
        return status == ReadStatus.OK;
    }
}
