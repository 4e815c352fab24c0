/** The benchmark SPI: every {@code tidegate bench NAME} is one {@link org.tidegate.bench.Benchmark}. */
package org.tidegate.bench;
