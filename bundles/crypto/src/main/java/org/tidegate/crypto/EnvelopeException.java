package org.tidegate.crypto;

import org.tidegate.crypto.internal.Printable;

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
        /**
         * A correctly signed command that is not {@code SIGNED|ENCRYPTED|KEY_WRAPPED}: a gateway accepts commands
         * only encrypted to its own key ({@link CommandBinding}).
         */
        NOT_ENCRYPTED,
        /** A correctly signed command whose body does not name this gateway in {@code "gateway"} ({@link CommandBinding}). */
        WRONG_GATEWAY,
        /**
         * The envelope opened but arrived on a topic that does not fit it: the topic's gateway is not the sender, the
         * topic's kind is not the content type, or the topic's device is not the body's (the cloud receiver's route
         * check).
         */
        TOPIC_MISMATCH,
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
        // both may quote what a frame claims, unauthenticated: made safe to log here, once for every receiver
        super(reason + ": " + Printable.of(message, 1000));
        this.reason = reason;
        this.sender = Printable.of(sender);
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The sender id as claimed by the frame (control characters escaped, cut at 200 characters: it is not
     * authenticated), or null if it could not be read.
     */
    public String sender() {
        return sender;
    }
}
