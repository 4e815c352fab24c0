/**
 * The uplink's machinery as plain classes, usable without OSGi (tests, benchmarks, the demo): the MQTT session
 * ({@link org.tidegate.uplink.mqtt.MqttUplink}) that drains the store by priority and deletes on PUBACK, status
 * reports, command dispatch, rate limiting and TLS set-up. Numbering and sealing are the outbox's
 * ({@code org.tidegate.outbox}); reconnect pacing is {@code org.tidegate.core.retry.Backoff}. Private to the
 * bundle in OSGi (not exported): other bundles use the {@code org.tidegate.uplink} services; tests and
 * benchmarks use these classes from the plain class path.
 */
package org.tidegate.uplink.mqtt;
