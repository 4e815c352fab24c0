package org.tidegate.core.pipeline;

/**
 * A completed connection restart ({@link DeviceRestarts#restart}).
 *
 * @param device      device id
 * @param requestedBy who asked
 * @param firstPoll   the device's health after the first poll on the new session
 * @param tookMillis  from the request to the end of that poll
 * @param restarts    restarts of this device since the gateway started, this one included
 */
public record DeviceRestart(String device, String requestedBy, DeviceHealth firstPoll, long tookMillis,
                            long restarts) {
}
