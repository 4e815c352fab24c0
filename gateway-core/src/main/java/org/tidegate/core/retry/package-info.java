/**
 * Retry pacing shared by every part that reconnects or retries: the MQTT session, the Modbus TCP transport, the
 * serial bus, the pipeline's hand-over to the outbox and its local-action retries ({@link org.tidegate.core.retry.Backoff}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.retry;
