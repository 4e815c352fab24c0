/** The driver SPI: protocol drivers read batches of channels with a status per channel. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.tidegate.core.driver;
