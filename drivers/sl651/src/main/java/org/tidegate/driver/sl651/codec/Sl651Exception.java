package org.tidegate.driver.sl651.codec;

/** Bytes that are not a valid SL 651-2014 frame or report; {@link #kind()} says why, the message says where. */
public final class Sl651Exception extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The CRC does not match the frame's bytes. */
        CRC,
        /** The length field does not match the frame (no end byte where it says the body ends), or an element overruns the body. */
        LENGTH,
        /** A digit above 9 where the standard wants BCD (values, times, identifiers' values). */
        BCD,
        /** The frame ends before its length field says it should. */
        TRUNCATED,
        /** Anything else the standard does not allow (start bytes, direction, control characters, dates). */
        MALFORMED,
        /** Valid per the standard but not handled by this codec (multi-packet SYN frames, unknown elements). */
        UNSUPPORTED
    }

    private final Kind kind;

    public Sl651Exception(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
