package org.tidegate.core.model;

import java.util.Objects;

/**
 * One value of one channel at one time, as it leaves the device layer.
 *
 * @param device    device id
 * @param channel   channel id
 * @param timestamp sampling time, Unix milliseconds
 * @param value     engineering value: {@code Double}, {@code Long}, {@code Boolean} or {@code String}; null when bad
 * @param unit      engineering unit, may be empty
 * @param quality   good, bad or stale
 * @param detail    why a sample is not good (timeout, exception code, CRC error ...); empty when good
 */
public record Sample(String device, String channel, long timestamp, Object value, String unit,
                     Quality quality, String detail) {

    public Sample {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(quality, "quality");
        unit = unit == null ? "" : unit;
        detail = detail == null ? "" : detail;
    }

    public static Sample good(String device, String channel, long timestamp, Object value, String unit) {
        return new Sample(device, channel, timestamp, value, unit, Quality.GOOD, "");
    }

    public static Sample bad(String device, String channel, long timestamp, String unit, String detail) {
        return new Sample(device, channel, timestamp, null, unit, Quality.BAD, detail);
    }

    public boolean isGood() {
        return quality == Quality.GOOD;
    }

    /** The value as a double, or NaN when it is absent or not numeric (booleans count as 0/1). */
    public double numeric() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return Double.NaN;
    }
}
