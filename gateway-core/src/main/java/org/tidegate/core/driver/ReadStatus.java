package org.tidegate.core.driver;

/** Outcome of reading or writing one channel. Anything but {@link #OK} makes the sample {@code bad}. */
public enum ReadStatus {
    OK,
    /** The device did not answer within its timeout (after its retries). */
    TIMEOUT,
    /** The device answered with a protocol exception (e.g. Modbus exception code 2, illegal address). */
    DEVICE_EXCEPTION,
    /** The answer failed its checksum (CRC). */
    CRC_ERROR,
    /** The answer was short, too long, or did not match the request. */
    MALFORMED,
    /** The transport is down (connection refused, serial port missing). */
    NOT_CONNECTED,
    /** The channel cannot be served as configured (unsupported address or type, not writable). */
    UNSUPPORTED,
    /** Any other I/O failure. */
    IO_ERROR,
    /**
     * The line carried bytes that are no answer (garbage that does not frame, or a line that never went quiet
     * long enough to send a request) until the request's deadline. Added last, so that ordinals and the
     * names of the others do not change.
     */
    NOISE
}
