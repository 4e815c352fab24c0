/** The ingest service's parts: MQTT source, verifier, batch writer, partitions, schema; not an API. */
package org.tidegate.ingest.internal;
