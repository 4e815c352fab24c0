package org.tidegate.pipeline.rules;

import java.util.Objects;

/**
 * A local action bound to an alarm: while the alarm is raised, {@code device/channel} is set to {@code value};
 * when every alarm bound to that output has cleared it is set to {@code clearValue} (if there is one).
 *
 * @param device     target device id
 * @param channel    target (writable) channel
 * @param value      engineering value written on raise
 * @param clearValue engineering value written when the last bound alarm clears; null = leave as is
 */
public record Action(String device, String channel, Object value, Object clearValue) {
    public Action {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(value, "value");
    }

    /** The output this action drives, {@code device/channel}; actions on the same target share a reference count. */
    public String target() {
        return device + "/" + channel;
    }
}
