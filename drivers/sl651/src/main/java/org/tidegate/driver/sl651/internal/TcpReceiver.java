package org.tidegate.driver.sl651.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.core.retry.Backoff;
import org.tidegate.driver.sl651.codec.Sl651Decoder;
import org.tinylog.Logger;

/**
 * Receives on a TCP port the stations connect to. Every connection has its own decoder and thread, and answers go
 * back on it. Bounded: at most {@value #MAX_CONNECTIONS} connections (more are closed at once), a partial frame
 * followed by {@value #SILENCE_MS} ms of silence is refused as truncated, and a connection silent for
 * {@value #IDLE_MS} ms is closed (stations that keep the link send keep-alives more often). If the port cannot be
 * bound (in use), binding is retried with back-off and the stations' devices report why.
 */
final class TcpReceiver extends Receiver {
    static final int MAX_CONNECTIONS = 64;
    static final long SILENCE_MS = 500;
    static final long IDLE_MS = 15 * 60_000;

    private final String bind;
    private final int port;
    private final Thread acceptor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Backoff bindBackoff = new Backoff(200, 10_000);
    private volatile ServerSocket server;
    private volatile boolean running = true;

    TcpReceiver(String bind, int port) {
        super("tcp " + bind + ":" + port);
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
        ServerSocket s = server;
        return s == null ? -1 : s.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            if (server == null && !bindNow()) {
                continue;
            }
            try {
                Socket s = server.accept();
                if (!running) {
                    s.close();
                    return;
                }
                if (connections.size() >= MAX_CONNECTIONS) {
                    Logger.warn("sl651 {}: {} connections already, closing the one from {}", where(), MAX_CONNECTIONS, s.getRemoteSocketAddress());
                    s.close();
                    continue;
                }
                connections.add(s);
                Thread t = new Thread(() -> serve(s), "sl651-tcp-" + port + "-" + s.getRemoteSocketAddress());
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
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(bind, port));
            server = s;
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

    private void serve(Socket s) {
        String peer = String.valueOf(s.getRemoteSocketAddress());
        Sl651Decoder decoder = new Sl651Decoder();
        byte[] buf = new byte[1024];
        long lastByte = System.nanoTime();
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setSoTimeout((int) SILENCE_MS);
            s.setTcpNoDelay(true);
            while (running) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException quiet) {
                    if (decoder.buffered() > 0) {
                        send(out, decoder.flush(), peer);
                    }
                    if (System.nanoTime() - lastByte > IDLE_MS * 1_000_000L) {
                        Logger.info("sl651 {}: closing {} after {} s without data", where(), peer, IDLE_MS / 1000);
                        return;
                    }
                    continue;
                }
                if (n < 0) {
                    send(out, decoder.flush(), peer);
                    return;
                }
                lastByte = System.nanoTime();
                send(out, decoder.feed(buf, 0, n), peer);
            }
        } catch (IOException e) {
            if (running) {
                Logger.debug("sl651 {}: connection from {} ended: {}", where(), peer, e.getMessage());
            }
        } finally {
            connections.remove(s);
        }
    }

    private void send(OutputStream out, java.util.List<Sl651Decoder.Event> events, String peer) throws IOException {
        for (Sl651Decoder.Event e : events) {
            byte[] ack = handle(e, peer);
            if (ack != null) {
                out.write(ack);
                out.flush();
            }
        }
    }

    private void closeServer() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
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
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
