package org.tidegate.core.pipeline;

/**
 * How a device is doing, for status messages and logs.
 *
 * @param device              device id
 * @param state               {@code up} (last poll had at least one good channel), {@code down}, or {@code starting}
 * @param polls               polls since start
 * @param failedPolls         polls in which no channel was good
 * @param skippedTicks        poll ticks skipped because the previous poll overran the interval
 * @param lastPollAt          start of the last poll, Unix ms (0 if none yet)
 * @param lastPollMillis      duration of the last poll
 * @param lastError           last non-OK status detail, empty if none yet
 * @param lastErrorAt         when it happened, Unix ms (0 if never)
 * @param faults              failed requests since start by reason ({@code timeout}, {@code noise},
 *                            {@code crc_error}, ..., the lower-case {@link org.tidegate.core.driver.ReadStatus}
 *                            names), as the driver counts them ({@link
 *                            org.tidegate.core.driver.DeviceSession#faultCounts()}); empty if none or not counted
 */
public record DeviceHealth(String device, String state, long polls, long failedPolls, long skippedTicks,
                           long lastPollAt, long lastPollMillis, String lastError, long lastErrorAt,
                           java.util.Map<String, Long> faults) {

    public DeviceHealth {
        faults = faults == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(faults));
    }

    /** Without fault counts (the shape before they were added). */
    public DeviceHealth(String device, String state, long polls, long failedPolls, long skippedTicks,
                        long lastPollAt, long lastPollMillis, String lastError, long lastErrorAt) {
        this(device, state, polls, failedPolls, skippedTicks, lastPollAt, lastPollMillis, lastError, lastErrorAt,
                java.util.Map.of());
    }
}
