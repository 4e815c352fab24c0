package org.tidegate.uplink.mqtt;

/**
 * A snapshot of the uplink for logs, status and tests.
 *
 * @param connected     a session is up
 * @param connects      successful connects since start
 * @param failures      failed connection attempts since start
 * @param published     messages handed to the broker (including re-sends)
 * @param acknowledged  messages acknowledged by the broker (PUBACK) and deleted from the store
 * @param lastError     the last connection failure or loss, empty if none
 * @param framesDropped command-topic frames acknowledged and dropped unhandled (oversized, empty, hand-off failed)
 * @param watchdogTrips connections dropped because no PUBACK came within the ack timeout
 * @param alarmThreadFailures turns of the {@code tidegate-uplink-alarms} thread that failed (the session thread
 *                      still sends alarms then, only later)
 */
public record UplinkState(boolean connected, long connects, long failures, long published, long acknowledged,
                          String lastError, long framesDropped, long watchdogTrips,
                          long alarmThreadFailures) {
}
