package org.tidegate.core.model;

/** Quality of a sample, as carried in the envelope body's {@code q} field. */
public enum Quality {
    /** Read from the device and decoded without error. */
    GOOD,
    /** The read failed (timeout, exception response, CRC error, malformed frame); the value is absent or unusable. */
    BAD,
    /** The last good value, repeated because the device could not be read this time. */
    STALE;

    /** The wire name: {@code good}, {@code bad} or {@code stale}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
