/**
 * Edge rules: a pure, in-memory engine that decides which samples enter telemetry (deadband /
 * report-by-exception), raises and clears alarms (thresholds with hysteresis, boolean states,
 * rate of change), accumulates rainfall per hour and per day, and reference-counts the local actions
 * bound to alarms. No threads, no I/O, no OSGi: time is the samples' own timestamps.
 *
 * <p>{@link org.tidegate.pipeline.rules.RuleParser} is the schema of a channel's {@code rules} (on the
 * {@code org.tidegate.core.config} SPI), used by the running pipeline and, through
 * {@link org.tidegate.pipeline.rules.RulesCheck}, by {@code tidegate validate}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.tidegate.pipeline.rules;
