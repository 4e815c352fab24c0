package org.tidegate.driver.modbus.slave;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tidegate.driver.modbus.codec.ExceptionCode;
import org.tidegate.driver.modbus.codec.FrameException;
import org.tidegate.driver.modbus.codec.Mbap;
import org.tidegate.driver.modbus.codec.Pdu;
import org.tinylog.Logger;

/**
 * A Modbus TCP server: one thread per connection, requests answered in order. A request for a unit it does not
 * have gets exception 0x0B (gateway target failed to respond), as a TCP-to-RTU gateway would answer.
 */
public final class ModbusTcpSlave implements AutoCloseable {
    private final SlaveUnits units;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    private ModbusTcpSlave(SlaveUnits units, ServerSocket server) {
        this.units = units;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "modbus-tcp-slave-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code bindAddress:port} (port 0 picks a free one). */
    public static ModbusTcpSlave start(SlaveUnits units, String bindAddress, int port) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 64);
        ModbusTcpSlave s = new ModbusTcpSlave(units, ss);
        s.acceptor.start();
        Logger.info("modbus tcp slave listening on {}:{}", bindAddress, ss.getLocalPort());
        return s;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                clients.add(s);
                accepted.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "modbus-tcp-conn-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (running) {
                    Logger.warn("modbus tcp slave accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket s) {
        byte[] header = new byte[Mbap.HEADER];
        try (s) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            OutputStream out = s.getOutputStream();
            while (running) {
                in.readFully(header);
                Mbap.Header h = Mbap.header(header, 0);
                byte[] pdu = new byte[h.pduLength()];
                in.readFully(pdu);
                ModbusUnit u = units.unit(h.unit());
                Fault fault = units.fault(h.unit());
                long delay = units.delay(h.unit());
                if (fault == Fault.SILENT) {
                    continue;
                }
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                byte[] resp = u == null ? Pdu.exception(pdu[0] & 0xFF, ExceptionCode.GATEWAY_TARGET_FAILED) : u.handle(pdu);
                if (fault == Fault.BAD_CRC && resp.length > 2) {
                    resp = resp.clone();
                    resp[1] ^= 0x02;
                } else if (fault == Fault.SHORT_FRAME && resp.length > 2) {
                    resp = java.util.Arrays.copyOf(resp, resp.length - 2);
                }
                out.write(Mbap.encode(h.transactionId(), h.unit(), resp));
            }
        } catch (EOFException | SocketException e) {
            // client went away
        } catch (FrameException e) {
            Logger.warn("modbus tcp slave: bad request from {}: {}", s.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            Logger.debug("modbus tcp slave connection {} ended: {}", s.getRemoteSocketAddress(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(s);
        }
    }

    /** Connections accepted since the start (what a client's reconnect, or a connection restart, shows as). */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** The client ports of the connections open now: a closed connection's port is gone, a new one appears. */
    public Set<Integer> openConnectionPorts() {
        Set<Integer> ports = new java.util.TreeSet<>();
        for (Socket s : clients) {
            ports.add(s.getPort());
        }
        return ports;
    }

    /** Drops every open connection (the clients see the server go away) but keeps listening. */
    public void dropConnections() {
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        dropConnections();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
