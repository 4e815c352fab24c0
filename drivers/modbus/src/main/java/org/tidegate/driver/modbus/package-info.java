/**
 * The Modbus TCP / RTU field driver ({@code tidegate.protocol=modbus}). {@link org.tidegate.driver.modbus.ModbusDriver}
 * works without OSGi; the component in the internal package registers it as a service.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.driver.modbus;
