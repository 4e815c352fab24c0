/**
 * The uplink's machinery as plain classes, usable without OSGi (tests, benchmarks, the demo): the MQTT session
 * ({@link org.tidegate.uplink.mqtt.MqttUplink}), the sealing outbox, status reports, command dispatch, reconnect
 * back-off, rate limiting and TLS set-up. Private to the bundle in OSGi (not exported): other bundles use the
 * {@code org.tidegate.uplink} services; tests and benchmarks use these classes from the plain class path.
 */
package org.tidegate.uplink.mqtt;
