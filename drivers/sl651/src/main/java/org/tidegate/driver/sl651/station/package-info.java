/**
 * The station side of SL 651-2014 over the same codec: a simulated telemetry station that sends reports on a
 * serial line or a TCP connection, waits for the centre's acknowledgement and sends again when none comes. Used
 * by {@code tidegate simulate}, the demo and the tests; not part of the gateway's data path.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.driver.sl651.station;
