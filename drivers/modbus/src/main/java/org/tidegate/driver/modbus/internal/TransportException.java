package org.tidegate.driver.modbus.internal;

import org.tidegate.core.driver.ReadStatus;

/** One Modbus exchange failed; {@link #status()} is what the channels it carried get. */
public final class TransportException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ReadStatus status;

    public TransportException(ReadStatus status, String detail) {
        super(detail);
        this.status = status;
    }

    public ReadStatus status() {
        return status;
    }

    /** Worth another attempt: the device may answer next time. */
    public boolean retryable() {
        return status == ReadStatus.TIMEOUT || status == ReadStatus.CRC_ERROR || status == ReadStatus.MALFORMED
                || status == ReadStatus.IO_ERROR;
    }
}
