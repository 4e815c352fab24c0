/**
 * The SL 651-2014 (hydrological telemetry data communication protocol) codec, HEX/BCD mode, apart from any
 * transport: the {@code 7E 7E} frame with its CRC-16/MODBUS (high byte first), the report bodies (keep-alive,
 * test, interval, timed, added, hourly, and the answers to a centre's queries) with their elements, the
 * acknowledgement a centre sends back, and an incremental decoder that resynchronises on the next frame.
 * Pure functions over bytes; no I/O, no threads.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.driver.sl651.codec;
