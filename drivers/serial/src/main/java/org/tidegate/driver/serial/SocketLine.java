package org.tidegate.driver.serial;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A TCP connection (a serial server, a meter's network module, a station's GPRS link) in which every blocking call
 * has a deadline: connect, write and read each wait at most the time they are given, so a peer that stops reading
 * or answering costs its caller that time and no more. Non-blocking I/O with one selector per connection; a failed
 * or timed-out write closes the connection (what was half sent cannot be taken back).
 *
 * <p>Not thread-safe: one user at a time, as {@link SerialLine}; {@link #close()} may come from any thread.
 */
public final class SocketLine implements ByteLine, AutoCloseable {
    /** At most this many bytes are dropped per {@link #discardInput} call, so a babbling peer cannot keep it busy. */
    private static final int MAX_DISCARD = 16 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final String peer;
    private volatile boolean open = true;

    private SocketLine(SocketChannel channel, String peer) throws IOException {
        this.channel = channel;
        this.peer = peer;
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /**
     * Connects to {@code host:port}, waiting at most {@code timeoutMillis} for the connection. A host name is
     * resolved first by the JVM's resolver, with its own timeouts and cache (give an IP address where a name
     * server may be unreachable).
     *
     * @throws IOException with the reason (refused, unreachable, timed out); nothing is left open
     */
    public static SocketLine connect(String host, int port, long timeoutMillis) throws IOException {
        String peer = host + ":" + port;
        SocketChannel ch = SocketChannel.open();
        SocketLine line = null;
        try {
            line = new SocketLine(ch, peer);
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve host " + host);
            }
            if (!ch.connect(address)) {
                line.key.interestOps(SelectionKey.OP_CONNECT);
                long deadline = deadline(timeoutMillis);
                while (!ch.finishConnect()) {
                    if (!line.await(deadline)) {
                        throw new IOException("connect to " + peer + " timed out after " + timeoutMillis + " ms");
                    }
                }
            }
            return line;
        } catch (IOException | RuntimeException e) {
            if (line != null) {
                line.close();
            } else {
                ch.close();
            }
            throw e;
        }
    }

    /** A connection a {@link SocketListener} accepted. */
    static SocketLine accepted(SocketChannel ch) throws IOException {
        String peer = String.valueOf(ch.getRemoteAddress());
        try {
            return new SocketLine(ch, peer);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Caps the kernel's send buffer: a writer to a peer that does not read then meets its deadline after this much
     * instead of after whatever the kernel would queue.
     */
    public void sendBuffer(int bytes) throws IOException {
        channel.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
    }

    /** The peer, {@code host:port}, for log lines. */
    public String peer() {
        return peer;
    }

    /**
     * Writes all bytes within {@code timeoutMillis}.
     *
     * @throws WriteTimeoutException if the peer did not take them in time; the connection is closed then
     * @throws IOException           if the connection failed; it is closed then
     */
    @Override
    public void write(byte[] b, int off, int len, long timeoutMillis) throws IOException {
        ensureOpen();
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long deadline = deadline(timeoutMillis);
        try {
            while (buf.hasRemaining()) {
                if (channel.write(buf) > 0 || !buf.hasRemaining()) {
                    continue;
                }
                key.interestOps(SelectionKey.OP_WRITE);
                if (!await(deadline)) {
                    int done = len - buf.remaining();
                    close();
                    throw new WriteTimeoutException("tcp " + peer + " write timed out: " + done + " of " + len
                            + " bytes in " + timeoutMillis + " ms (the peer is not reading)");
                }
            }
        } catch (WriteTimeoutException e) {
            throw e;
        } catch (IOException e) {
            close();
            throw new IOException("tcp " + peer + " write failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads what is available, waiting at most {@code timeoutMillis} for the first byte.
     *
     * @return bytes read, 0 if nothing arrived in time
     * @throws IOException if the peer closed the connection or it failed; it is closed then
     */
    @Override
    public int read(byte[] b, int off, int len, long timeoutMillis) throws IOException {
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long deadline = deadline(timeoutMillis);
        try {
            while (true) {
                int n = channel.read(buf);
                if (n > 0) {
                    return n;
                }
                if (n < 0) {
                    close();
                    throw new IOException("tcp " + peer + " closed the connection");
                }
                key.interestOps(SelectionKey.OP_READ);
                if (!await(deadline)) {
                    return 0;
                }
            }
        } catch (IOException e) {
            close();
            throw e.getMessage() != null && e.getMessage().startsWith("tcp ") ? e
                    : new IOException("tcp " + peer + " read failed: " + e.getMessage(), e);
        }
    }

    /** Drops what arrived and was not read (stale bytes from an earlier exchange), without waiting. */
    @Override
    public int discardInput() throws IOException {
        ensureOpen();
        ByteBuffer scratch = ByteBuffer.allocate(256);
        int dropped = 0;
        while (dropped < MAX_DISCARD) {
            scratch.clear();
            int n = channel.read(scratch);
            if (n < 0) {
                close();
                throw new IOException("tcp " + peer + " closed the connection");
            }
            if (n == 0) {
                break;
            }
            dropped += n;
        }
        return dropped;
    }

    /** Waits for the key's interest until {@code deadline}; false once it has passed. */
    private boolean await(long deadline) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                key.interestOps(0);
                return false;
            }
            int ready;
            try {
                ready = selector.select(Math.max(1, (left + 999_999) / 1_000_000));
            } catch (java.nio.channels.ClosedSelectorException closed) {
                ready = 0;
            }
            ensureOpen();
            if (ready > 0) {
                selector.selectedKeys().clear();
                key.interestOps(0);
                return true;
            }
        }
    }

    private static long deadline(long timeoutMillis) {
        return System.nanoTime() + Math.max(1, timeoutMillis) * 1_000_000L;
    }

    private void ensureOpen() throws IOException {
        if (!open) {
            throw new IOException("tcp " + peer + " is closed");
        }
    }

    public boolean isOpen() {
        return open;
    }

    /** Closes the connection; idempotent, from any thread (a wait in progress ends at once). */
    @Override
    public void close() {
        open = false;
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public String toString() {
        return "tcp " + peer;
    }
}
