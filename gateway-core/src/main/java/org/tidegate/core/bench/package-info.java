/** The benchmark SPI: every {@code tidegate bench NAME} is one {@link org.tidegate.core.bench.Benchmark}. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.bench;
