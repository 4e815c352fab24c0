/** Test support for serial lines without hardware: socat pseudo-terminal pairs. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.serial.testing;
