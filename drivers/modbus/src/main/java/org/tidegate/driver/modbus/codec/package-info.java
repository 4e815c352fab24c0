/**
 * The Modbus codec, apart from any transport: PDUs, RTU framing with CRC-16/MODBUS and an incremental frame
 * decoder, MBAP framing for TCP, and the value codec (registers to typed values in every byte and word order).
 * Pure functions over bytes; no I/O, no threads.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.modbus.codec;
