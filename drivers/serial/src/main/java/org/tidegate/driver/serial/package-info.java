/**
 * Raw serial line access (RS-485/RS-232) over jSerialComm: a byte pipe with bounded reads, shared by the
 * Modbus RTU driver, the simulators and the meter protocols that follow.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.tidegate.driver.serial;
