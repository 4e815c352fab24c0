package org.tidegate.driver.serial;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A byte pipe in which every blocking call has a deadline: a serial line ({@link SerialLine}) or a TCP connection to
 * a serial server or a device's network module ({@link SocketLine}). What one request-and-reply exchange needs,
 * whichever way its device is reached. Not thread-safe: one user at a time.
 */
@ProviderType
public interface ByteLine {

    /**
     * Writes all bytes within {@code timeoutMillis}.
     *
     * @throws WriteTimeoutException if the other end did not take them in time; the line is closed then
     * @throws IOException           if the line failed; it is closed then
     */
    void write(byte[] data, int off, int len, long timeoutMillis) throws IOException;

    /**
     * Reads what is available, waiting at most {@code timeoutMillis} for the first byte.
     *
     * @return bytes read, 0 if nothing arrived in time
     * @throws IOException if the line failed or the other end closed it; it is closed then
     */
    int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException;

    /** Drops whatever has been received and not yet read (stale bytes from an earlier exchange); bytes dropped. */
    int discardInput() throws IOException;
}
