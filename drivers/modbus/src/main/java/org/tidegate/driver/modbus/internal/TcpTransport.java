package org.tidegate.driver.modbus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.retry.Backoff;
import org.tidegate.driver.modbus.codec.FrameException;
import org.tidegate.driver.modbus.codec.Mbap;
import org.tinylog.Logger;

/**
 * Modbus TCP to one server over one connection, one request at a time. Reconnects on demand, paced by a
 * {@link Backoff} used as a gate: after a failed connect, 100 ms, doubling (with jitter) up to a cap (the device's
 * poll interval), so that a dead endpoint is not hammered and a returning one is found within one poll interval;
 * a poll that comes while the gate is closed fails at once as not connected. A response whose transaction id is not the current one (a late answer to a request that
 * timed out) is dropped.
 */
public final class TcpTransport implements ModbusTransport {
    private static final long FIRST_BACKOFF_MS = 100;
    private final String host;
    private final int port;
    private final String device;
    private final Backoff backoff;
    /** Receive buffer: room for a few whole responses (MBAP header + 253-byte PDU each). */
    private final byte[] rx = new byte[1024];
    private int rxStart;
    private int rxEnd;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int transactionId;
    private String lastConnectError = "";

    public TcpTransport(String device, String host, int port, long maxBackoffMillis) {
        this.device = device;
        this.host = host;
        this.port = port;
        this.backoff = new Backoff(FIRST_BACKOFF_MS, Math.max(FIRST_BACKOFF_MS, maxBackoffMillis));
    }

    @Override
    public synchronized byte[] transact(int unit, byte[] pdu, long timeoutMillis) throws TransportException {
        connect(timeoutMillis);
        transactionId = (transactionId + 1) & 0xFFFF;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            out.write(Mbap.encode(transactionId, unit, pdu));
        } catch (IOException e) {
            drop("write failed: " + e.getMessage());
            throw new TransportException(ReadStatus.NOT_CONNECTED, "connection to " + host + ":" + port + " lost: " + e.getMessage());
        }
        while (true) {
            fill(Mbap.HEADER, deadline, timeoutMillis);
            Mbap.Header h;
            try {
                h = Mbap.header(rx, rxStart);
            } catch (FrameException e) {
                drop("bad MBAP header");
                throw new TransportException(ReadStatus.MALFORMED, e.getMessage());
            }
            fill(Mbap.HEADER + h.pduLength(), deadline, timeoutMillis);
            byte[] resp = new byte[h.pduLength()];
            System.arraycopy(rx, rxStart + Mbap.HEADER, resp, 0, resp.length);
            rxStart += Mbap.HEADER + resp.length;
            if (h.transactionId() != transactionId) {
                Logger.debug("device={} dropped late response, transaction {} (waiting for {})", device,
                        h.transactionId(), transactionId);
                continue;
            }
            if (h.unit() != unit) {
                throw new TransportException(ReadStatus.MALFORMED, "response from unit " + h.unit() + " to a request for unit " + unit);
            }
            return resp;
        }
    }

    /**
     * Makes at least {@code n} bytes available at {@code rx[rxStart]}. Reads whatever the socket has, so a whole
     * response usually arrives in one read instead of one for the header and one for the PDU.
     */
    private void fill(int n, long deadline, long timeoutMillis) throws TransportException {
        if (rxEnd - rxStart >= n) {
            return;
        }
        if (rxStart > 0) {
            System.arraycopy(rx, rxStart, rx, 0, rxEnd - rxStart);
            rxEnd -= rxStart;
            rxStart = 0;
        }
        while (rxEnd < n) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            try {
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                int r = in.read(rx, rxEnd, rx.length - rxEnd);
                if (r < 0) {
                    drop("closed by server");
                    throw new TransportException(ReadStatus.NOT_CONNECTED, "connection closed by " + host + ":" + port);
                }
                rxEnd += r;
            } catch (SocketTimeoutException e) {
                if (rxEnd > 0) {
                    int inFrame = rxEnd;
                    // Out of step with the byte stream: start over on a new connection.
                    drop("short frame");
                    throw new TransportException(ReadStatus.MALFORMED, "short frame: " + inFrame + " bytes, then silence for " + timeoutMillis + " ms");
                }
                throw new TransportException(ReadStatus.TIMEOUT, "no answer within " + timeoutMillis + " ms");
            } catch (IOException e) {
                drop("read failed: " + e.getMessage());
                throw new TransportException(ReadStatus.NOT_CONNECTED, "connection to " + host + ":" + port + " lost: " + e.getMessage());
            }
        }
    }

    private void connect(long timeoutMillis) throws TransportException {
        if (socket != null) {
            return;
        }
        long now = System.nanoTime();
        if (!backoff.mayAttempt(now)) {
            throw new TransportException(ReadStatus.NOT_CONNECTED, "cannot connect to " + host + ":" + port + " ("
                    + lastConnectError + "), next attempt in " + backoff.remainingMillis(now) + " ms");
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeoutMillis));
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            backoff.reset();
            Logger.info("device={} connected to {}:{}", device, host, port);
        } catch (IOException e) {
            closeQuietly(s);
            backoff.failed(System.nanoTime());
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!why.equals(lastConnectError)) {
                Logger.warn("device={} cannot connect to {}:{}: {}", device, host, port, why);
            }
            lastConnectError = why;
            throw new TransportException(ReadStatus.NOT_CONNECTED, "cannot connect to " + host + ":" + port + ": " + why);
        }
    }

    private void drop(String why) {
        if (socket != null) {
            Logger.warn("device={} closing connection to {}:{}: {}", device, host, port, why);
            closeQuietly(socket);
            socket = null;
            in = null;
            out = null;
            rxStart = 0;
            rxEnd = 0;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String describe() {
        return "tcp " + host + ":" + port;
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            closeQuietly(socket);
            socket = null;
            rxStart = 0;
            rxEnd = 0;
        }
    }
}
