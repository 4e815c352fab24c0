/** Test support for serial lines without hardware: socat pseudo-terminal pairs. */
package org.tidegate.driver.serial.testing;
