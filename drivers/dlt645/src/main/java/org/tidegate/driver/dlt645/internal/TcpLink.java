package org.tidegate.driver.dlt645.internal;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import org.tidegate.core.retry.Backoff;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.SocketLine;
import org.tinylog.Logger;

/**
 * Meters behind a TCP serial server (or a meter's own network module): one connection, opened on first use,
 * shared by the meters configured on the same host and port with a fair lock as a serial bus is. After it fails
 * the connection is closed, and reconnecting waits 100 ms, doubling (with jitter, core {@link Backoff}) up to a cap.
 * Every blocking call has a deadline ({@link SocketLine}): the connect and each write and read are bounded by the
 * request's timeout, so a serial server that stops reading (its buffer full, its serial side stuck) fails the
 * request as a {@link org.tidegate.driver.serial.WriteTimeoutException} instead of stalling the poll thread.
 */
final class TcpLink implements MeterLink {
    /** The character time used for the inter-request gap: that of the usual meter line, 2400 8E1. */
    private static final long CHAR_NANOS = new SerialSettings("tcp", 2400, SerialSettings.Parity.EVEN, 8, 1).charTimeNanos();

    /**
     * The send buffer asked for: a request is a few dozen bytes and the master waits for each reply, so more than
     * this queued means the far end stopped reading. The kernel may queue more all the same; what bounds a write is
     * its deadline.
     */
    static final int SEND_BUFFER = 4096;

    private final String host;
    private final int port;
    private final long connectTimeoutMillis;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Backoff backoff;
    private final Runnable release;
    private SocketLine socket;
    private String lastError = "";
    private volatile long lastEnd = System.nanoTime();

    TcpLink(String host, int port, long connectTimeoutMillis, long maxBackoffMillis, Runnable release) {
        this.host = host;
        this.port = port;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.backoff = new Backoff(100, Math.max(100, maxBackoffMillis));
        this.release = release;
    }

    @Override
    public <T> T exchange(Exchange<T> exchange) throws IOException {
        lock.lock();
        try {
            SocketLine line = open();
            try {
                return exchange.run(line);
            } catch (IOException e) {
                closeSocket("I/O failure: " + e.getMessage());
                throw e;
            }
        } finally {
            lastEnd = System.nanoTime();
            lock.unlock();
        }
    }

    private SocketLine open() throws IOException {
        if (socket == null || !socket.isOpen()) {
            socket = null;
            long now = System.nanoTime();
            if (!backoff.mayAttempt(now)) {
                throw new IOException("tcp " + describe() + " unavailable (" + lastError + "), next attempt in "
                        + backoff.remainingMillis(now) + " ms");
            }
            try {
                socket = SocketLine.connect(host, port, Math.max(1, connectTimeoutMillis));
                socket.sendBuffer(SEND_BUFFER);
            } catch (IOException e) {
                backoff.failed(System.nanoTime());
                String err = "cannot connect to " + describe() + ": " + e.getMessage();
                if (!err.equals(lastError)) {
                    Logger.warn("dlt645 {}", err);
                }
                lastError = err;
                throw new IOException(err, e);
            }
            backoff.reset();
            lastError = "";
            Logger.info("dlt645 connected to {}", describe());
        }
        return socket;
    }

    private void closeSocket(String why) {
        if (socket != null) {
            Logger.warn("dlt645 {} closing: {}", describe(), why);
            socket.close();
            socket = null;
        }
    }

    @Override
    public long charTimeNanos() {
        return CHAR_NANOS;
    }

    @Override
    public long lastExchangeEnd() {
        return lastEnd;
    }

    @Override
    public String describe() {
        return host + ":" + port;
    }

    /** Closes the connection (the last user of it releases it). */
    void close() {
        lock.lock();
        try {
            closeSocket("closed");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release() {
        release.run();
    }
}
