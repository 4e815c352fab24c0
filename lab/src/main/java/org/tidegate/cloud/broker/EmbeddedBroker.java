package org.tidegate.cloud.broker;

import io.moquette.broker.Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Properties;
import org.tinylog.Logger;

/**
 * Moquette 0.17 in this JVM: MQTT 3.1.1, QoS 0–2, retained messages and wills, sessions in memory only
 * (its disk persistence is switched off, so {@link #stop()} behaves like a broker restarted with a fresh
 * database). Its usage telemetry is switched off and every write is flushed at once, so latency is not
 * hidden behind Moquette's default flush timer.
 */
public final class EmbeddedBroker implements LabBroker {
    private final String host;
    private final int port;
    private Server server;

    /** A broker on {@code 127.0.0.1} and the given port (0 picks a free one now). */
    public EmbeddedBroker(int port) throws IOException {
        this.host = "127.0.0.1";
        this.port = port == 0 ? freePort() : port;
    }

    public static EmbeddedBroker startOnFreePort() throws IOException {
        EmbeddedBroker broker = new EmbeddedBroker(0);
        broker.start();
        return broker;
    }

    @Override
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("allow_zero_byte_client_id", "false");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("immediate_buffer_flush", "true");
        p.setProperty("netty.mqtt.message_size", Integer.toString(1 << 20));
        Server s = new Server();
        s.startServer(p);
        server = s;
        Logger.info("embedded broker (Moquette) listening on {}", url());
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
            Logger.info("embedded broker on port {} stopped", port);
        }
    }

    @Override
    public void wipe() {
        stop(); // sessions live in memory only
    }

    @Override
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String describe() {
        return "moquette " + Server.MOQUETTE_VERSION;
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
