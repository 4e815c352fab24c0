/**
 * The DL/T 645-2007 codec, apart from any transport: frames (optional {@code FE} preamble, 6-byte BCD address
 * low byte first, control code, length, data offset by 0x33, modulo-256 checksum), the requests a master sends
 * (read data {@code 11}, read address {@code 13}, broadcast time sync {@code 08}), their replies ({@code 91},
 * {@code B1}, {@code D1} with its error byte, {@code 93}), BCD values with decimals and sign, and an incremental
 * frame decoder that resynchronises after garbage. Pure functions over bytes; no I/O, no threads.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.dlt645.codec;
