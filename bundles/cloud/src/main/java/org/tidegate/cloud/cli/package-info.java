/**
 * Command-line pieces shared by every cloud-side {@code tidegate} command ({@code receive}, {@code command},
 * {@code ingest}): the broker options as one picocli mixin, {@link org.tidegate.cloud.cli.BrokerOptions}. Used on the
 * launcher's class path only (picocli is an optional import).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.cloud.cli;
