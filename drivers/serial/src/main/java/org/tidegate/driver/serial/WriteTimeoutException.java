package org.tidegate.driver.serial;

import java.io.IOException;

/**
 * A write that could not hand all its bytes over before its deadline: the peer stopped reading (a stalled
 * adapter, a pty or a TCP peer nobody reads). The line has been closed. Drivers count it as a timeout, not as a
 * lost line.
 */
public final class WriteTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public WriteTimeoutException(String message) {
        super(message);
    }
}
