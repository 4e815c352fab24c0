package org.tidegate.driver.serial;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import org.tidegate.core.retry.Backoff;
import org.tinylog.Logger;

/**
 * One serial line (an RS-485 bus) shared by several users, whatever protocol they speak: each
 * {@link #exchange} has the line to itself, and a fair lock serves waiting users in arrival order so that none
 * starves. The line opens on first use. After it fails, the line is closed, and reopening waits 100 ms, doubling
 * (with jitter, {@link Backoff}) up to a cap, so a missing adapter is not hammered and one that comes back is
 * found again.
 */
public final class SerialBus implements AutoCloseable {
    private static final long FIRST_BACKOFF_MS = 100;

    /** Work done with the line held; an {@link IOException} closes the line. */
    @FunctionalInterface
    public interface Exchange<T> {
        T run(SerialLine line) throws IOException;
    }

    /** The line cannot be opened now; {@link #getMessage()} says why and when the next attempt is. */
    public static final class UnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    private final SerialSettings settings;
    private final Backoff backoff;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final java.util.concurrent.atomic.AtomicInteger urgentWaiting = new java.util.concurrent.atomic.AtomicInteger();
    private SerialLine line;
    private String lastOpenError = "";
    private volatile long lastExchangeEnd = System.nanoTime();

    /** @param maxBackoffMillis longest wait between attempts to reopen a failed line */
    public SerialBus(SerialSettings settings, long maxBackoffMillis) {
        this.settings = settings;
        this.backoff = new Backoff(FIRST_BACKOFF_MS, Math.max(FIRST_BACKOFF_MS, maxBackoffMillis));
    }

    public SerialSettings settings() {
        return settings;
    }

    /**
     * Runs {@code exchange} with the line held, opening it first if needed.
     *
     * @throws UnavailableException if the line cannot be opened (missing, busy, backing off)
     * @throws IOException          what the exchange threw; the line has been closed
     */
    public <T> T exchange(Exchange<T> exchange) throws IOException {
        return exchange(false, exchange);
    }

    /**
     * As {@link #exchange(Exchange)}; an {@code urgent} exchange (a write for a local action or a command) goes
     * before the ordinary ones waiting: it waits at most for the exchange in progress, whose owner bounds it by
     * its own deadline.
     */
    public <T> T exchange(boolean urgent, Exchange<T> exchange) throws IOException {
        if (urgent) {
            urgentWaiting.incrementAndGet();
            try {
                lock.lock();
            } finally {
                urgentWaiting.decrementAndGet();
            }
        } else {
            lock.lock();
            // The fair lock serves in arrival order: an ordinary user that got the bus while an urgent one waits
            // goes back to the end of the queue (behind it) instead of starting its exchange.
            while (urgentWaiting.get() > 0 && lock.hasQueuedThreads()) {
                lock.unlock();
                lock.lock();
            }
        }
        try {
            SerialLine l = open();
            try {
                return exchange.run(l);
            } catch (IOException e) {
                closeLine("I/O failure: " + e.getMessage());
                throw e;
            }
        } finally {
            lastExchangeEnd = System.nanoTime();
            lock.unlock();
        }
    }

    /**
     * When the previous exchange on this bus ended ({@link System#nanoTime()}), so a protocol can keep its
     * inter-frame silence across users.
     */
    public long lastExchangeEnd() {
        return lastExchangeEnd;
    }

    private SerialLine open() throws UnavailableException {
        if (line != null && line.isOpen()) {
            return line;
        }
        long now = System.nanoTime();
        if (!backoff.mayAttempt(now)) {
            throw new UnavailableException("serial port " + settings.port() + " unavailable (" + lastOpenError
                    + "), next attempt in " + backoff.remainingMillis(now) + " ms");
        }
        try {
            line = SerialPorts.open(settings);
            backoff.reset();
            lastOpenError = "";
            Logger.info("bus={} opened ({})", settings.port(), settings);
            return line;
        } catch (IOException e) {
            backoff.failed(System.nanoTime());
            if (!String.valueOf(e.getMessage()).equals(lastOpenError)) {
                Logger.warn("bus={} cannot open: {}", settings.port(), e.getMessage());
            }
            lastOpenError = String.valueOf(e.getMessage());
            throw new UnavailableException(lastOpenError);
        }
    }

    private void closeLine(String why) {
        if (line != null) {
            Logger.warn("bus={} closing: {}", settings.port(), why);
            line.close();
            line = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (line != null) {
                line.close();
                line = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
