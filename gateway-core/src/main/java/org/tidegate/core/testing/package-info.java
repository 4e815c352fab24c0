/** In-memory test doubles of the SPI, shipped so that other modules' tests and wiring checks can use them. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.testing;
