package org.tidegate.ingest.internal;

/**
 * One MQTT message as it arrived, not yet acknowledged.
 *
 * @param messageId   the packet id to acknowledge (meaningful only on connection {@code connection})
 * @param qos         0 or 1 (QoS 0 needs no acknowledgement)
 * @param connection  which connection delivered it: an acknowledgement goes only to that same connection
 * @param arrivedNanos {@link System#nanoTime()} at arrival, for the oldest-unacknowledged figure
 */
record Inbound(String topic, byte[] payload, int messageId, int qos, long connection, long arrivedNanos) {
}
