/**
 * Telemetry bodies in the compact binary form ({@link org.tidegate.core.body.CompactTelemetry}, docs/envelope.md
 * "Compact telemetry body"): written by the pipeline, read by the cloud receiver beside the JSON form.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.core.body;
