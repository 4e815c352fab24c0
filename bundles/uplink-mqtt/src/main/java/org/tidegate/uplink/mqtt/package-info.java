/**
 * The uplink's machinery as plain classes, usable without OSGi (tests, benchmarks, the demo): the MQTT session
 * ({@link org.tidegate.uplink.mqtt.MqttUplink}) that drains the store by priority and deletes on PUBACK, status
 * reports, command dispatch, rate limiting and TLS set-up. Numbering and sealing are the outbox's
 * ({@code org.tidegate.outbox}); reconnect pacing is {@code org.tidegate.core.retry.Backoff}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.tidegate.uplink.mqtt;
