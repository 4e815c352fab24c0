package org.tidegate.core.pipeline;

/** Why a connection restart ({@link DeviceRestarts#restart}) did not complete; the message says it for a person. */
public final class DeviceRestartException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** No running device has this id. */
        UNKNOWN_DEVICE,
        /** The deadline passed before the first poll on a new session. */
        TIMEOUT,
        /** The new session could not be opened, or the device stopped while the restart waited. */
        FAILED
    }

    private final Reason reason;

    public DeviceRestartException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
