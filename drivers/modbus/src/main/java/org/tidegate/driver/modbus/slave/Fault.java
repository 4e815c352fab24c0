package org.tidegate.driver.modbus.slave;

/** Misbehaviour a slave can be told to show for one unit, for tests of the master's error handling. */
public enum Fault {
    /** Answers normally. */
    NONE,
    /** Does not answer at all (a dead or unplugged device). */
    SILENT,
    /** RTU: answers with the CRC's low byte flipped. TCP: answers with a byte count that does not match. */
    BAD_CRC,
    /** Answers with the last two bytes of the frame missing. */
    SHORT_FRAME
}
