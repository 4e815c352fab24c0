package org.tidegate.driver.sl651.internal;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.core.log.RateLimitedLog;
import org.tidegate.core.retry.Backoff;
import org.tidegate.driver.serial.SocketLine;
import org.tidegate.driver.serial.SocketListener;
import org.tidegate.driver.sl651.codec.Sl651Decoder;
import org.tinylog.Logger;

/**
 * Receives on a TCP port the stations connect to. Every connection has its own decoder and thread, and answers go
 * back on it. Every wait has a deadline ({@link SocketListener}, {@link SocketLine}): the accept waits at most
 * {@value #ACCEPT_MS} ms before looking whether the receiver was closed; a read at most {@value #SILENCE_MS} ms,
 * after which a partial frame is refused as truncated; an acknowledgement write at most {@value #ACK_WRITE_MS} ms
 * (a station that stops reading has its connection closed and the fault counted on its device, see
 * {@link Receiver#answerFailed}); a connection silent for {@value #IDLE_MS} ms is closed (stations that keep the
 * link send keep-alives more often). Bounded: at most {@value #MAX_CONNECTIONS} connections (more are closed at
 * once). If the port cannot be bound (in use), binding is retried with back-off and the stations' devices report
 * why.
 */
final class TcpReceiver extends Receiver {
    static final int MAX_CONNECTIONS = 64;
    static final long SILENCE_MS = 500;
    static final long IDLE_MS = 15 * 60_000;
    static final long ACCEPT_MS = 500;
    static final long ACK_WRITE_MS = 1000;
    /**
     * The send buffer asked for a station's connection: acknowledgements are a few dozen bytes each, so there is no
     * use queueing more. The kernel may queue more all the same (on loopback it did, megabytes): what bounds a write
     * to a station that stopped reading is {@link #ACK_WRITE_MS}.
     */
    static final int SEND_BUFFER = 8192;
    private static final RateLimitedLog LOG = new RateLimitedLog(1 / 60.0, 5);

    private final String bind;
    private final int port;
    private final Thread acceptor;
    private final Set<SocketLine> connections = ConcurrentHashMap.newKeySet();
    private final Backoff bindBackoff = new Backoff(200, 10_000);
    private volatile SocketListener server;
    private volatile boolean running = true;

    TcpReceiver(String bind, int port, org.tidegate.driver.sl651.codec.Encoding encoding) {
        super("tcp " + bind + ":" + port, encoding);
        this.bind = bind;
        this.port = port;
        this.acceptor = new Thread(this::acceptLoop, "sl651-tcp-" + port);
        this.acceptor.setDaemon(true);
    }

    @Override
    void start() {
        acceptor.start();
    }

    /** The bound port (for tests that listen on port 0), or -1 while not bound. */
    int boundPort() {
        SocketListener s = server;
        return s == null ? -1 : s.localPort();
    }

    private void acceptLoop() {
        while (running) {
            if (server == null && !bindNow()) {
                continue;
            }
            try {
                SocketLine s = server.accept(ACCEPT_MS);
                if (s == null) {
                    continue;
                }
                if (!running) {
                    s.close();
                    return;
                }
                if (connections.size() >= MAX_CONNECTIONS) {
                    LOG.warn("full:" + where(), "sl651 {}: {} connections already, closing the one from {}", where(), MAX_CONNECTIONS, s.peer());
                    s.close();
                    continue;
                }
                s.sendBuffer(SEND_BUFFER);
                connections.add(s);
                Thread t = new Thread(() -> serve(s), "sl651-tcp-" + port + "-" + s.peer());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (running) {
                    Logger.warn("sl651 {}: accept failed: {}", where(), e.getMessage());
                    closeServer();
                }
            }
        }
    }

    private boolean bindNow() {
        long now = System.nanoTime();
        if (!bindBackoff.mayAttempt(now)) {
            sleep(Math.max(10, Math.min(500, bindBackoff.remainingMillis(now))));
            return false;
        }
        try {
            server = SocketListener.bind(bind, port);
            bindBackoff.reset();
            problem("");
            Logger.info("sl651 listening on {}", where());
            return true;
        } catch (IOException e) {
            bindBackoff.failed(System.nanoTime());
            String p = "cannot listen on " + where() + ": " + e.getMessage();
            if (!p.equals(problem())) {
                Logger.warn("sl651 {}", p);
            }
            problem(p);
            return false;
        }
    }

    private void serve(SocketLine s) {
        String peer = s.peer();
        Sl651Decoder decoder = newDecoder();
        byte[] buf = new byte[1024];
        long lastByte = System.nanoTime();
        try (s) {
            while (running) {
                int n = s.read(buf, 0, buf.length, SILENCE_MS);
                if (n == 0) {
                    if (decoder.buffered() > 0) {
                        send(s, decoder.flush(), peer);
                    }
                    if (System.nanoTime() - lastByte > IDLE_MS * 1_000_000L) {
                        Logger.info("sl651 {}: closing {} after {} s without data", where(), peer, IDLE_MS / 1000);
                        return;
                    }
                    continue;
                }
                lastByte = System.nanoTime();
                send(s, decoder.feed(buf, 0, n), peer);
            }
        } catch (IOException e) {
            if (running) {
                Logger.debug("sl651 {}: connection from {} ended: {}", where(), peer, e.getMessage());
                if (decoder.buffered() > 0) {
                    try {
                        send(null, decoder.flush(), peer);
                    } catch (IOException cannot) {
                        // no link to answer on
                    }
                }
            }
        } finally {
            connections.remove(s);
        }
    }

    /** Handles decoded events; answers go back on {@code s} (null: the link is gone, only count). */
    private void send(SocketLine s, List<Sl651Decoder.Event> events, String peer) throws IOException {
        for (Sl651Decoder.Event e : events) {
            Answer ack = handle(e, peer);
            if (ack != null && s != null) {
                try {
                    s.write(ack.bytes(), 0, ack.bytes().length, ACK_WRITE_MS);
                } catch (IOException failed) {
                    answerFailed(ack, peer, failed);
                    throw failed;
                }
            }
        }
    }

    private void closeServer() {
        SocketListener s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        closeServer();
        for (SocketLine s : connections) {
            s.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
