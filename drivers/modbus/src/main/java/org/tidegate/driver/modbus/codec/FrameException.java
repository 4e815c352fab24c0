package org.tidegate.driver.modbus.codec;

/** A response that is not the answer to its request: an exception response, a bad CRC, or a malformed frame. */
public final class FrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The device answered with a Modbus exception; {@link #exceptionCode()} says which. */
        EXCEPTION_RESPONSE,
        /** RTU frame whose CRC does not match. */
        CRC,
        /** Short, long, or not matching the request (function, unit, byte count, echo). */
        MALFORMED
    }

    private final Kind kind;
    private final int exceptionCode;

    public FrameException(Kind kind, int exceptionCode, String message) {
        super(message);
        this.kind = kind;
        this.exceptionCode = exceptionCode;
    }

    public static FrameException malformed(String message) {
        return new FrameException(Kind.MALFORMED, 0, message);
    }

    public Kind kind() {
        return kind;
    }

    public int exceptionCode() {
        return exceptionCode;
    }
}
