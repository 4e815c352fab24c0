/**
 * The meter side of DL/T 645-2007 over the same codec: simulated meters answering read ({@code 11}, blocks and
 * follow-up frames), read address ({@code 13}) and broadcast time sync ({@code 08}) on a serial line, with fault
 * injection. Used by {@code tidegate simulate}, the demo and the tests; not part of the gateway's data path.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.dlt645.meter;
