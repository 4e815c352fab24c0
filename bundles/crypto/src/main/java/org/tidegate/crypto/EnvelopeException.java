package org.tidegate.crypto;

/** An envelope was refused; {@link #reason()} says which check failed. */
public final class EnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a frame was refused, in the order the checks run. */
    public enum Reason {
        /** Magic, version, reserved flag bits, a field value or a length does not fit the frame. */
        BAD_FRAME,
        /** The sender id is not in the trust map. */
        UNKNOWN_SENDER,
        /** The signature is missing (when required), malformed or does not verify. */
        BAD_SIGNATURE,
        /** The data key could not be unwrapped or the SM4-GCM tag does not verify. */
        BAD_TAG,
        /** Telemetry (or alarm, status, reply) whose sequence was already seen: drop it, not an attack. */
        DUPLICATE,
        /** A command whose sequence is not newer than the last accepted command of that sender. */
        REPLAYED,
        /** A command created outside the accepted window around the receiver's clock. */
        STALE
    }

    private final Reason reason;
    private final String sender;

    public EnvelopeException(Reason reason, String message) {
        this(reason, null, message);
    }

    public EnvelopeException(Reason reason, String sender, String message) {
        super(reason + ": " + message);
        this.reason = reason;
        this.sender = sender;
    }

    public Reason reason() {
        return reason;
    }

    /** The sender id as claimed by the frame, or null if it could not be read. */
    public String sender() {
        return sender;
    }
}
