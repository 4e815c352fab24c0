package org.tidegate.driver.modbus.internal;

import org.tidegate.core.driver.ReadStatus;

/** One Modbus exchange failed; {@link #status()} is what the channels it carried get. */
public final class TransportException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ReadStatus status;
    private final int exceptionCode;

    public TransportException(ReadStatus status, String detail) {
        this(status, detail, 0);
    }

    public TransportException(ReadStatus status, String detail, int exceptionCode) {
        super(detail);
        this.status = status;
        this.exceptionCode = exceptionCode;
    }

    /** The Modbus exception code of a {@link ReadStatus#DEVICE_EXCEPTION}, else 0. */
    public int exceptionCode() {
        return exceptionCode;
    }

    public ReadStatus status() {
        return status;
    }

    /** Worth another attempt: the device may answer next time. */
    public boolean retryable() {
        return status == ReadStatus.TIMEOUT || status == ReadStatus.CRC_ERROR || status == ReadStatus.MALFORMED
                || status == ReadStatus.IO_ERROR || status == ReadStatus.NOISE;
    }
}
