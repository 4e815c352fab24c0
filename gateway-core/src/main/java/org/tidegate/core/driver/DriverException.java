package org.tidegate.core.driver;

/** A device cannot be served by a driver as configured (not a transient read failure). */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
