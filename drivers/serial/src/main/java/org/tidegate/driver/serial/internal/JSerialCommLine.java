package org.tidegate.driver.serial.internal;

import com.fazecast.jSerialComm.SerialPort;
import java.io.File;
import java.io.IOException;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.WriteTimeoutException;
import org.tinylog.Logger;

/**
 * jSerialComm behind {@link SerialLine}. Uses semi-blocking reads (return as soon as anything arrived) so that
 * a frame decoder sees bytes as early as possible, and never installs a data listener: on a pty whose other end
 * died jSerialComm would fire disconnect events in a tight loop.
 */
public final class JSerialCommLine implements SerialLine {
    private final SerialSettings settings;
    private final SerialPort port;
    private volatile boolean open;
    /** Longest single wait inside jSerialComm; bounds how far a read can overshoot its timeout. */
    private static final int READ_SLICE_MS = 10;
    /** Longest single blocking write inside jSerialComm; writes loop up to their own deadline. */
    private static final int WRITE_SLICE_MS = 50;
    /** Writes without a deadline of their own. */
    private static final long DEFAULT_WRITE_TIMEOUT_MS = 5_000;
    /** At most this many bytes are dropped per {@link #discardInput} call, so a babbling line cannot keep it busy. */
    private static final int MAX_DISCARD = 16 * 1024;

    private JSerialCommLine(SerialSettings settings, SerialPort port) {
        this.settings = settings;
        this.port = port;
        this.open = true;
    }

    public static JSerialCommLine open(SerialSettings s) throws IOException {
        if (!new File(s.port()).exists()) {
            throw new IOException("serial port " + s.port() + " does not exist");
        }
        SerialPort p;
        try {
            p = SerialPort.getCommPort(s.port());
        } catch (RuntimeException e) {
            throw new IOException("serial port " + s.port() + " cannot be used: " + e.getMessage(), e);
        }
        int parity = switch (s.parity()) {
            case NONE -> SerialPort.NO_PARITY;
            case EVEN -> SerialPort.EVEN_PARITY;
            case ODD -> SerialPort.ODD_PARITY;
        };
        int stop = s.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT;
        p.setComPortParameters(s.baud(), s.dataBits(), stop, parity);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, READ_SLICE_MS, WRITE_SLICE_MS);
        if (!p.openPort(0)) {
            throw new IOException("cannot open serial port " + s.port() + " (error " + p.getLastErrorCode()
                    + " at " + p.getLastErrorLocation() + "): busy, missing or no permission");
        }
        JSerialCommLine line = new JSerialCommLine(s, p);
        Logger.debug("serial port={} opened {}", s.port(), s);
        return line;
    }

    @Override
    public SerialSettings settings() {
        return settings;
    }

    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        write(data, off, len, DEFAULT_WRITE_TIMEOUT_MS);
    }

    @Override
    public void write(byte[] data, int off, int len, long timeoutMillis) throws IOException {
        ensureOpen();
        long deadline = System.nanoTime() + Math.max(1, timeoutMillis) * 1_000_000L;
        int done = 0;
        while (done < len) {
            int n = port.writeBytes(data, len - done, off + done);
            if (n < 0) {
                fail("write");
            }
            done += n;
            if (done < len && System.nanoTime() - deadline >= 0) {
                close();
                throw new WriteTimeoutException("serial port " + settings.port() + " write timed out: " + done + " of " + len
                        + " bytes in " + timeoutMillis + " ms");
            }
        }
    }

    @Override
    public int read(byte[] buf, int off, int len, long timeoutMillis) throws IOException {
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        // The port keeps one short semi-blocking timeout set at open (changing it would reconfigure the port on
        // every call); longer waits loop here, overshooting by at most one slice.
        long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        int n;
        while (true) {
            n = port.readBytes(buf, len, off);
            if (n != 0 || System.nanoTime() - deadline >= 0) {
                break;
            }
        }
        if (n < 0) {
            fail("read");
        }
        return n;
    }

    @Override
    public int discardInput() throws IOException {
        ensureOpen();
        int dropped = 0;
        int avail;
        byte[] scratch = null;
        while ((avail = port.bytesAvailable()) > 0 && dropped < MAX_DISCARD) {
            if (scratch == null) {
                scratch = new byte[256];
            }
            int n = port.readBytes(scratch, Math.min(avail, scratch.length), 0);
            if (n <= 0) {
                break;
            }
            dropped += n;
        }
        if (avail < 0) {
            fail("poll");
        }
        return dropped;
    }

    private void ensureOpen() throws IOException {
        if (!open) {
            throw new IOException("serial port " + settings.port() + " is closed");
        }
    }

    private void fail(String op) throws IOException {
        int code = port.getLastErrorCode();
        close();
        throw new IOException("serial port " + settings.port() + " " + op + " failed (error " + code
                + "): line lost or other end closed");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            port.closePort();
            Logger.debug("serial port={} closed", settings.port());
        }
    }
}
