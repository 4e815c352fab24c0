/**
 * The uplink's machinery as plain classes, usable without OSGi (tests, benchmarks, the demo): the MQTT session
 * ({@link org.tidegate.uplink.mqtt.MqttUplink}), the sealing outbox, status reports, command dispatch, reconnect
 * back-off, rate limiting and TLS set-up.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.uplink.mqtt;
