package org.tidegate.driver.serial;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by the typed device settings of every serial protocol (Modbus RTU, later DL/T 645, SL 651), so
 * that devices of different protocols on one port can be checked against each other: they share one bus
 * ({@link SerialBuses}), which runs with one set of line settings.
 */
@ConsumerType
public interface SerialLineUser {
    /** The serial line this device uses, or null if it uses none (e.g. Modbus TCP). */
    SerialSettings serialLine();
}
