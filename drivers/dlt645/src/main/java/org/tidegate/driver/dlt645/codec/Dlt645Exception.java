package org.tidegate.driver.dlt645.codec;

import java.util.EnumSet;
import java.util.Set;

/** A frame or value the codec refuses, with the reason; or a meter's error reply ({@link Reason#ERROR_REPLY}). */
public final class Dlt645Exception extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a frame or value was refused. */
    public enum Reason {
        /** The modulo-256 checksum does not match. */
        CHECKSUM,
        /** The length byte does not agree with the frame (no {@code 16} where it says), or a field has the wrong size. */
        LENGTH,
        /** A nibble above 9 where a BCD digit belongs (address or value). */
        BCD,
        /** The input ended inside a frame. */
        TRUNCATED,
        /** Anything else about the frame's shape: second {@code 68} missing, length over the limit, unexpected control code. */
        MALFORMED,
        /** A well-formed reply that does not answer the request (other meter, other data identifier). */
        MISMATCH,
        /** The meter answered with an error reply ({@code D1}); {@link #errors()} says which. */
        ERROR_REPLY
    }

    private final Reason reason;
    private final transient Set<MeterError> errors;

    public Dlt645Exception(Reason reason, String message) {
        this(reason, EnumSet.noneOf(MeterError.class), message);
    }

    public Dlt645Exception(Reason reason, Set<MeterError> errors, String message) {
        super(message);
        this.reason = reason;
        this.errors = Set.copyOf(errors);
    }

    public Reason reason() {
        return reason;
    }

    /** The meter's error bits of an {@link Reason#ERROR_REPLY}, else empty. */
    public Set<MeterError> errors() {
        return errors;
    }
}
