/**
 * Modbus slave (server) side over the same codec: a register-bank unit and TCP and RTU servers with fault
 * injection. Used by the simulators, the tests and the benchmark; not part of the gateway's data path.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.modbus.slave;
