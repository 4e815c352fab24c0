package org.tidegate.driver.serial;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open serial line: a byte pipe with bounded reads ({@link ByteLine}). Not thread-safe: one user at a time (bus sharing is
 * the protocol driver's job).
 */
@ProviderType
public interface SerialLine extends ByteLine, AutoCloseable {

    SerialSettings settings();

    /** Writes all bytes, blocking until they are handed to the driver. */
    void write(byte[] data, int off, int len) throws IOException;

    default void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /**
     * Writes all bytes within {@code timeoutMillis} (a line that cannot take them, e.g. a stalled adapter or a
     * pty nobody reads, fails instead of blocking its bus).
     *
     * @throws IOException if the bytes could not be written in time; the line is closed then
     */
    @Override
    default void write(byte[] data, int off, int len, long timeoutMillis) throws IOException {
        write(data, off, len);
    }

    /**
     * Reads what is available, waiting at most {@code timeoutMillis} for the first byte.
     *
     * @return bytes read, 0 if nothing arrived in time
     * @throws IOException if the line failed (unplugged, the other end of a pty closed); the line is closed then
     */
    @Override
    int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException;

    /** Drops whatever has been received and not yet read (stale bytes from an earlier exchange). */
    @Override
    int discardInput() throws IOException;

    boolean isOpen();

    /** Closes the line; idempotent. */
    @Override
    void close();
}
