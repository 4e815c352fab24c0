/**
 * Raw serial line access (RS-485/RS-232) over jSerialComm: a byte pipe with bounded reads, shared by the
 * Modbus RTU driver, the simulators and the meter protocols that follow; and TCP connections to serial servers
 * ({@link org.tidegate.driver.serial.SocketLine}, {@link org.tidegate.driver.serial.SocketListener}) with the same
 * rule: every blocking call has a deadline; both are a {@link org.tidegate.driver.serial.ByteLine}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package org.tidegate.driver.serial;
