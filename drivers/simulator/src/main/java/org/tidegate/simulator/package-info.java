/**
 * Simulated field devices for tests and the demo: a radar water-level sensor, a rain gauge and a three-phase
 * power meter served as Modbus TCP and RTU slaves, driven by one site model on a (speedable) clock.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.simulator;
