/**
 * The message pipeline: turns each poll's samples into telemetry messages, alarms into alarm messages, runs
 * the local actions bound to alarms, and reports status. {@link org.tidegate.pipeline.Pipeline} is a plain
 * class (tests and benchmarks use it directly); the OSGi component is a thin wrapper.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package org.tidegate.pipeline;
