package org.tidegate.driver.modbus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.driver.modbus.codec.FrameException;
import org.tidegate.driver.modbus.codec.Mbap;
import org.tinylog.Logger;

/**
 * Modbus TCP to one server over one connection, one request at a time. Reconnects on demand with a
 * {@link Backoff}; a response whose transaction id is not the current one (a late answer to a request that
 * timed out) is dropped.
 */
public final class TcpTransport implements ModbusTransport {
    private final String host;
    private final int port;
    private final String device;
    private final Backoff backoff;
    private final byte[] header = new byte[Mbap.HEADER];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int transactionId;
    private String lastConnectError = "";

    public TcpTransport(String device, String host, int port, long maxBackoffMillis) {
        this.device = device;
        this.host = host;
        this.port = port;
        this.backoff = new Backoff(maxBackoffMillis);
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
            int got = readFully(header, 0, Mbap.HEADER, deadline, 0, timeoutMillis);
            Mbap.Header h;
            try {
                h = Mbap.header(header, 0);
            } catch (FrameException e) {
                drop("bad MBAP header");
                throw new TransportException(ReadStatus.MALFORMED, e.getMessage());
            }
            byte[] resp = new byte[h.pduLength()];
            readFully(resp, 0, resp.length, deadline, got, timeoutMillis);
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

    private int readFully(byte[] buf, int off, int len, long deadline, int alreadyInFrame, long timeoutMillis)
            throws TransportException {
        int done = 0;
        while (done < len) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            try {
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                int n = in.read(buf, off + done, len - done);
                if (n < 0) {
                    drop("closed by server");
                    throw new TransportException(ReadStatus.NOT_CONNECTED, "connection closed by " + host + ":" + port);
                }
                done += n;
            } catch (SocketTimeoutException e) {
                int inFrame = alreadyInFrame + done;
                if (inFrame > 0) {
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
        return done;
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
            backoff.succeeded();
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
        }
    }
}
