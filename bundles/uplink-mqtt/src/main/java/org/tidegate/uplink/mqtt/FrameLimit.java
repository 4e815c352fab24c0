package org.tidegate.uplink.mqtt;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Bounded input below Paho: the MQTT packets the broker sends are read through a stream that parses each fixed
 * header and never lets a packet larger than the limit reach the client.
 *
 * <p>Why here: the client announces the limit (CONNECT property Maximum Packet Size), so a compliant broker never
 * sends a larger packet. But Paho mqttv5 1.2.5 itself allocates a packet's whole buffer ({@code new byte[remLen]}
 * in {@code MqttInputStream}) before it checks the size, and checks it against the broker's limit instead of its
 * own: a broker that ignores the property (or a man in the middle of a plain tcp:// link) could still make it
 * allocate 256 MiB. This stream sees the remaining length first and, for an oversized PUBLISH, reads its topic and
 * packet id (bounded: at most 64 KiB), skips the rest without storing it and hands Paho a PUBLISH with the same
 * topic, QoS and packet id and an empty payload instead: Paho acknowledges it (so the broker does not redeliver it
 * forever) and the uplink counts and drops it as a frame that cannot be an envelope. Any other oversized packet
 * ends the connection with an {@link IOException}.
 */
public final class FrameLimit {
    private FrameLimit() {
    }

    /**
     * A socket factory whose sockets read through the limit: TLS sockets of {@code base} if it is an
     * {@link SSLSocketFactory}, else (null or any other factory) plain TCP sockets.
     */
    public static SocketFactory factory(SocketFactory base, long maxPacketBytes, AtomicLong oversized) {
        LimitedTcpFactory tcp = new LimitedTcpFactory(maxPacketBytes, oversized);
        return base instanceof SSLSocketFactory ssl ? new LimitedSslFactory(ssl, tcp) : tcp;
    }

    /** Where {@link LimitedInput} gets a socket's own input stream from, on first use. */
    @FunctionalInterface
    private interface RawInput {
        InputStream get() throws IOException;
    }

    /** One socket's input through the limit, made on first use; every caller gets the same stream. */
    private static final class LimitedInput {
        private final long max;
        private final AtomicLong oversized;
        private InputStream in;

        LimitedInput(long max, AtomicLong oversized) {
            this.max = max;
            this.oversized = oversized;
        }

        synchronized InputStream of(RawInput raw) throws IOException {
            if (in == null) {
                in = new LimitedInputStream(raw.get(), max, oversized);
            }
            return in;
        }
    }

    /**
     * Plain TCP sockets whose input goes through the limit; the limit and its counter for the TLS factory too. Only
     * unconnected sockets are made (Paho connects them itself): a connected one would have to come from somewhere
     * else, past the limit.
     */
    private static final class LimitedTcpFactory extends SocketFactory {
        private final long max;
        private final AtomicLong oversized;

        LimitedTcpFactory(long max, AtomicLong oversized) {
            this.max = max;
            this.oversized = oversized;
        }

        /** The input of one new socket. */
        LimitedInput input() {
            return new LimitedInput(max, oversized);
        }

        @Override
        public Socket createSocket() {
            LimitedInput input = input();
            return new Socket() {
                @Override
                public InputStream getInputStream() throws IOException {
                    return input.of(super::getInputStream);
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new SocketException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            throw new SocketException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new SocketException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            throw new SocketException("unconnected sockets only");
        }
    }

    /**
     * Parses the packets passing through. A packet larger than the limit never passes: an oversized PUBLISH is
     * replaced by an empty one (same topic, flags, packet id), anything else is an {@link IOException}.
     */
    static final class LimitedInputStream extends FilterInputStream {
        private static final int HEADER = 0;
        private static final int LENGTH = 1;
        private static final int BODY = 2;
        private final long max;
        private final AtomicLong oversized;
        private int state = HEADER;
        private int first;
        private long remaining;
        private long multiplier;
        private int lengthBytes;
        private byte[] pending; // a substituted packet being handed out
        private int pendingPos;

        LimitedInputStream(InputStream in, long maxPacketBytes, AtomicLong oversized) {
            super(in);
            this.max = maxPacketBytes;
            this.oversized = oversized;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pending != null) {
                int n = Math.min(len, pending.length - pendingPos);
                System.arraycopy(pending, pendingPos, b, off, n);
                pendingPos += n;
                if (pendingPos == pending.length) {
                    pending = null;
                }
                return n;
            }
            if (state == BODY) {
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                    if (remaining == 0) {
                        state = HEADER;
                    }
                }
                return n;
            }
            if (state == HEADER) {
                int c = in.read();
                if (c < 0) {
                    return -1;
                }
                first = c;
                remaining = 0;
                multiplier = 1;
                lengthBytes = 0;
                state = LENGTH;
                b[off] = (byte) c;
                return 1;
            }
            // The remaining length is read whole (at most 4 bytes) before any of it is passed on; the fields keep
            // a partial length across a read time-out.
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return -1;
                }
                remaining += (long) (c & 0x7F) * multiplier;
                multiplier *= 128;
                lengthBytes++;
                if ((c & 0x80) == 0) {
                    break;
                }
                if (lengthBytes >= 4) {
                    throw new IOException("malformed MQTT remaining length from the broker");
                }
            }
            long total = 1 + lengthBytes + remaining;
            if (total > max) {
                substitute(total);
            } else {
                pending = encodeLength((int) remaining);
                pendingPos = 0;
                state = remaining == 0 ? HEADER : BODY;
            }
            return read(b, off, len);
        }

        /** Skips the oversized packet and queues the remaining length and body of a small stand-in. */
        private void substitute(long total) throws IOException {
            int type = (first >>> 4) & 0x0F;
            if (type != 3) {
                throw new IOException("the broker sent an MQTT packet of " + total + " bytes (type " + type
                        + "), above maxPacketBytes=" + max + " that this client announced");
            }
            int qos = (first >>> 1) & 0x03;
            int topicLength = (readByte() << 8) | readByte();
            long consumed = 2L + topicLength + (qos > 0 ? 2 : 0);
            if (consumed > remaining) {
                throw new IOException("malformed oversized PUBLISH from the broker");
            }
            byte[] topic = in.readNBytes(topicLength);
            if (topic.length != topicLength) {
                throw new IOException("connection closed inside an oversized packet");
            }
            int id = qos > 0 ? (readByte() << 8) | readByte() : -1;
            long skip = remaining - consumed;
            while (skip > 0) {
                long n = in.skip(skip);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed inside an oversized packet");
                    }
                    n = 1;
                }
                skip -= n;
            }
            oversized.incrementAndGet();
            // Stand-in: same flags, topic and packet id; no properties, empty payload.
            int body = 2 + topicLength + (qos > 0 ? 2 : 0) + 1;
            byte[] length = encodeLength(body);
            byte[] stand = new byte[length.length + body];
            System.arraycopy(length, 0, stand, 0, length.length);
            int p = length.length;
            stand[p++] = (byte) (topicLength >>> 8);
            stand[p++] = (byte) topicLength;
            System.arraycopy(topic, 0, stand, p, topicLength);
            p += topicLength;
            if (qos > 0) {
                stand[p++] = (byte) (id >>> 8);
                stand[p++] = (byte) id;
            }
            stand[p] = 0; // property length
            state = HEADER;
            pending = stand;
            pendingPos = 0;
        }

        private int readByte() throws IOException {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed inside an oversized packet");
            }
            return c;
        }

        static byte[] encodeLength(int value) {
            byte[] out = new byte[4];
            int n = 0;
            int v = value;
            do {
                int digit = v % 128;
                v /= 128;
                out[n++] = (byte) (digit | (v > 0 ? 0x80 : 0));
            } while (v > 0);
            return java.util.Arrays.copyOf(out, n);
        }
    }

    /** TLS sockets whose decrypted input goes through the limit; connected sockets are refused as by {@code tcp}. */
    private static final class LimitedSslFactory extends SSLSocketFactory {
        private final SSLSocketFactory base;
        private final LimitedTcpFactory tcp;

        LimitedSslFactory(SSLSocketFactory base, LimitedTcpFactory tcp) {
            this.base = base;
            this.tcp = tcp;
        }

        @Override
        public Socket createSocket() throws IOException {
            return new LimitedSslSocket((SSLSocket) base.createSocket(), tcp.input());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return new LimitedSslSocket((SSLSocket) base.createSocket(s, host, port, autoClose), tcp.input());
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return base.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return base.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return tcp.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return tcp.createSocket(host, port, local, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return tcp.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return tcp.createSocket(host, port, local, localPort);
        }
    }

    /** Delegates everything to the real TLS socket; only its input stream is wrapped. */
    private static final class LimitedSslSocket extends SSLSocket {
        private final SSLSocket s;
        private final LimitedInput input;

        LimitedSslSocket(SSLSocket s, LimitedInput input) {
            this.s = s;
            this.input = input;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return input.of(s::getInputStream);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return s.getOutputStream();
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            s.connect(endpoint);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            s.connect(endpoint, timeout);
        }

        @Override
        public synchronized void close() throws IOException {
            s.close();
        }

        @Override
        public void shutdownInput() throws IOException {
            s.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            s.shutdownOutput();
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            s.setSoTimeout(timeout);
        }

        @Override
        public synchronized int getSoTimeout() throws SocketException {
            return s.getSoTimeout();
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            s.setTcpNoDelay(on);
        }

        @Override
        public void setKeepAlive(boolean on) throws SocketException {
            s.setKeepAlive(on);
        }

        @Override
        public boolean isConnected() {
            return s.isConnected();
        }

        @Override
        public boolean isClosed() {
            return s.isClosed();
        }

        @Override
        public boolean isInputShutdown() {
            return s.isInputShutdown();
        }

        @Override
        public boolean isOutputShutdown() {
            return s.isOutputShutdown();
        }

        @Override
        public InetAddress getInetAddress() {
            return s.getInetAddress();
        }

        @Override
        public int getPort() {
            return s.getPort();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return s.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return s.getLocalSocketAddress();
        }

        @Override
        public SocketChannel getChannel() {
            return s.getChannel();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return s.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return s.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            s.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return s.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return s.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            s.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return s.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return s.getHandshakeSession();
        }

        @Override
        public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
            s.addHandshakeCompletedListener(listener);
        }

        @Override
        public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
            s.removeHandshakeCompletedListener(listener);
        }

        @Override
        public void startHandshake() throws IOException {
            s.startHandshake();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            s.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return s.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            s.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return s.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            s.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return s.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            s.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return s.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return s.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            s.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return s.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return s.getHandshakeApplicationProtocol();
        }

        @Override
        public String toString() {
            return s.toString();
        }
    }
}
