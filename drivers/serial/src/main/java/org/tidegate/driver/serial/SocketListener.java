package org.tidegate.driver.serial;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP port the gateway listens on (stations that connect to their centre), whose {@link #accept} waits at most
 * the time it is given, so the accepting thread sees a stop request within that time. Accepted connections are
 * {@link SocketLine}s. Not thread-safe, except {@link #close()}.
 */
public final class SocketListener implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Selector selector;
    private final String where;

    private SocketListener(ServerSocketChannel server, Selector selector, String where) {
        this.server = server;
        this.selector = selector;
        this.where = where;
    }

    /**
     * Binds {@code bind:port} (port 0: any free port).
     *
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    public static SocketListener bind(String bind, int port) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(bind, port));
            s.configureBlocking(false);
            Selector sel = Selector.open();
            s.register(sel, SelectionKey.OP_ACCEPT);
            return new SocketListener(s, sel, bind + ":" + port);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The bound port. */
    public int localPort() {
        return server.socket().getLocalPort();
    }

    /**
     * The next connection, waiting at most {@code timeoutMillis}.
     *
     * @return the connection, or null if none came in time
     * @throws IOException if the listener failed or was closed
     */
    public SocketLine accept(long timeoutMillis) throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            try {
                selector.select(Math.max(1, timeoutMillis));
                selector.selectedKeys().clear();
            } catch (java.nio.channels.ClosedSelectorException closed) {
                throw new IOException("tcp " + where + " is closed");
            }
            if (!server.isOpen()) {
                throw new IOException("tcp " + where + " is closed");
            }
            ch = server.accept();
        }
        return ch == null ? null : SocketLine.accepted(ch);
    }

    /** Stops listening; a wait in {@link #accept} ends at once. Idempotent. */
    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
