package org.tidegate.cloud.broker;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * A small MQTT 5 broker in this JVM, for the demo and for tests where mosquitto is absent: QoS 0 and 1, retained
 * messages, wills, persistent sessions (in memory: {@link #stop()} behaves like a broker restarted with a fresh
 * database), keep-alive, {@code +} and {@code #} filters. It honours each client's Maximum Packet Size (a larger
 * message is not sent to that client) and refuses packets above 1 MiB from clients. No QoS 2, no shared
 * subscriptions, no topic aliases, no authentication (anonymous, loopback only).
 *
 * <p>Replaces Moquette 0.17, which speaks MQTT 3.1.1 only: the gateway's uplink and the cloud side speak MQTT 5
 * (docs/mqtt.md), and so does every broker the tests and the demo use.
 */
public final class EmbeddedBroker implements LabBroker {
    /** The largest packet a client may send this broker. */
    public static final int MAX_INBOUND_PACKET = 1 << 20;
    private static final int MAX_QUEUED_PER_SESSION = 100_000;

    private final String host;
    private final int port;
    private final Map<String, SessionState> sessions = new HashMap<>();
    private final Map<String, Msg> retained = new LinkedHashMap<>();
    private final List<Conn> connections = new ArrayList<>();
    private ServerSocket server;

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
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName(host), port), 100);
        server = s;
        Thread t = new Thread(() -> accept(s), "lab-broker-" + port);
        t.setDaemon(true);
        t.start();
        Logger.info("embedded broker (MQTT 5) listening on {}", url());
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket socket = s.accept();
                socket.setTcpNoDelay(true);
                Conn c = new Conn(socket);
                synchronized (this) {
                    connections.add(c);
                }
                Thread t = new Thread(c::run, "lab-broker-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void stop() {
        List<Conn> all;
        synchronized (this) {
            if (server == null) {
                return;
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // closed
            }
            server = null;
            all = new ArrayList<>(connections);
            connections.clear();
            sessions.clear();
            retained.clear();
        }
        for (Conn c : all) {
            c.closing = true;
            c.close();
        }
        Logger.info("embedded broker on port {} stopped", port);
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
        return "tidegate lab broker (MQTT 5)";
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

    private record Msg(String topic, byte[] payload, int qos, boolean retain) {
    }

    private static final class SessionState {
        final String clientId;
        final Map<String, Integer> subscriptions = new LinkedHashMap<>();
        final Deque<Msg> queued = new ArrayDeque<>();
        final Map<Integer, Msg> inflight = new LinkedHashMap<>();
        Conn conn;
        long expirySeconds;
        long maxPacket = Long.MAX_VALUE;
        int nextId = 1;

        SessionState(String clientId) {
            this.clientId = clientId;
        }

        int nextId() {
            for (int i = 0; i < 65535; i++) {
                int id = nextId;
                nextId = nextId == 65535 ? 1 : nextId + 1;
                if (!inflight.containsKey(id)) {
                    return id;
                }
            }
            return -1;
        }
    }

    /** Called with the broker's lock held. */
    private void route(Msg m) {
        if (m.retain()) {
            if (m.payload().length == 0) {
                retained.remove(m.topic());
            } else {
                retained.put(m.topic(), m);
            }
        }
        for (SessionState s : sessions.values()) {
            int best = -1;
            for (Map.Entry<String, Integer> e : s.subscriptions.entrySet()) {
                if (matches(e.getKey(), m.topic())) {
                    best = Math.max(best, e.getValue());
                }
            }
            if (best >= 0) {
                deliver(s, new Msg(m.topic(), m.payload(), Math.min(best, m.qos()), false));
            }
        }
    }

    /** Called with the broker's lock held. */
    private void deliver(SessionState s, Msg m) {
        if (s.conn == null) {
            if (m.qos() > 0 && s.queued.size() < MAX_QUEUED_PER_SESSION) {
                s.queued.add(m);
            }
            return;
        }
        int id = 0;
        if (m.qos() > 0) {
            id = s.nextId();
            if (id < 0) {
                s.queued.add(m);
                return;
            }
        }
        byte[] packet = publishPacket(m, id, false);
        if (packet.length > s.maxPacket) {
            Logger.debug("embedded broker: {} bytes on {} not sent to {} (its maximum packet size is {})",
                    packet.length, m.topic(), s.clientId, s.maxPacket);
            return; // MQTT 5 3.1.2.11.4: discarded as if delivered
        }
        if (m.qos() > 0) {
            s.inflight.put(id, m);
        }
        s.conn.send(packet);
    }

    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    private static byte[] publishPacket(Msg m, int id, boolean dup) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(m.payload().length + m.topic().length() + 8);
        writeString(body, m.topic());
        if (m.qos() > 0) {
            body.write(id >>> 8);
            body.write(id & 0xFF);
        }
        body.write(0); // no properties
        body.writeBytes(m.payload());
        int flags = (dup ? 0x08 : 0) | (m.qos() << 1) | (m.retain() ? 1 : 0);
        return packet(0x30 | flags, body.toByteArray());
    }

    private static byte[] packet(int first, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 5);
        out.write(first);
        writeVarInt(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeVarInt(ByteArrayOutputStream out, int value) {
        int v = value;
        do {
            int digit = v % 128;
            v /= 128;
            out.write(digit | (v > 0 ? 0x80 : 0));
        } while (v > 0);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    /** A cursor over one packet's body. */
    private static final class Reader {
        final byte[] b;
        int p;

        Reader(byte[] b) {
            this.b = b;
        }

        int u8() throws IOException {
            if (p >= b.length) {
                throw new EOFException("packet too short");
            }
            return b[p++] & 0xFF;
        }

        int u16() throws IOException {
            return (u8() << 8) | u8();
        }

        long u32() throws IOException {
            return ((long) u16() << 16) | u16();
        }

        int varInt() throws IOException {
            int value = 0;
            int mult = 1;
            for (int i = 0; i < 4; i++) {
                int c = u8();
                value += (c & 0x7F) * mult;
                if ((c & 0x80) == 0) {
                    return value;
                }
                mult *= 128;
            }
            throw new IOException("malformed variable byte integer");
        }

        byte[] binary() throws IOException {
            int n = u16();
            if (p + n > b.length) {
                throw new EOFException("packet too short");
            }
            byte[] out = java.util.Arrays.copyOfRange(b, p, p + n);
            p += n;
            return out;
        }

        String string() throws IOException {
            return new String(binary(), StandardCharsets.UTF_8);
        }

        byte[] rest() {
            byte[] out = java.util.Arrays.copyOfRange(b, p, b.length);
            p = b.length;
            return out;
        }

        /** Reads a property block; returns the values of the four-byte properties by id (others skipped). */
        Map<Integer, Long> properties() throws IOException {
            int length = varInt();
            int end = p + length;
            Map<Integer, Long> out = new HashMap<>();
            while (p < end) {
                int id = varInt();
                switch (id) {
                    case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> out.put(id, (long) u8());
                    case 0x13, 0x21, 0x22, 0x23 -> out.put(id, (long) u16());
                    case 0x02, 0x11, 0x18, 0x27 -> out.put(id, u32());
                    case 0x0B -> out.put(id, (long) varInt());
                    case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F, 0x09, 0x16 -> binary();
                    case 0x26 -> {
                        binary();
                        binary();
                    }
                    default -> throw new IOException("unknown property 0x" + Integer.toHexString(id));
                }
            }
            p = end;
            return out;
        }
    }

    private final class Conn {
        final Socket socket;
        final OutputStream out;
        SessionState session;
        Msg will;
        volatile boolean closing;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void send(byte[] packet) {
            try {
                synchronized (out) {
                    out.write(packet);
                    out.flush();
                }
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed
            }
        }

        void run() {
            boolean clean = false;
            try (InputStream raw = socket.getInputStream()) {
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw));
                while (true) {
                    int first;
                    try {
                        first = in.read();
                    } catch (SocketTimeoutException e) {
                        Logger.debug("embedded broker: keep-alive expired for {}", session == null ? "?" : session.clientId);
                        break;
                    }
                    if (first < 0) {
                        break;
                    }
                    int length = 0;
                    int mult = 1;
                    for (int i = 0; ; i++) {
                        int c = in.readUnsignedByte();
                        length += (c & 0x7F) * mult;
                        if ((c & 0x80) == 0) {
                            break;
                        }
                        mult *= 128;
                        if (i == 3) {
                            throw new IOException("malformed remaining length");
                        }
                    }
                    if (length > MAX_INBOUND_PACKET) {
                        Logger.warn("embedded broker: refused a packet of {} bytes", length);
                        break;
                    }
                    byte[] body = new byte[length];
                    in.readFully(body);
                    int type = first >>> 4;
                    if (session == null && type != 1) {
                        break;
                    }
                    if (type == 14) { // DISCONNECT
                        int reason = body.length > 0 ? body[0] & 0xFF : 0;
                        clean = reason != 0x04;
                        break;
                    }
                    handle(type, first & 0x0F, new Reader(body));
                }
            } catch (IOException e) {
                // connection lost
            } finally {
                close();
                lost(clean);
            }
        }

        private void lost(boolean clean) {
            synchronized (EmbeddedBroker.this) {
                connections.remove(this);
                if (closing) {
                    return;
                }
                if (session != null && session.conn == this) {
                    session.conn = null;
                    if (session.expirySeconds == 0) {
                        sessions.remove(session.clientId);
                    }
                }
                if (!clean && will != null) {
                    route(will);
                }
                will = null;
            }
        }

        private void handle(int type, int flags, Reader r) throws IOException {
            switch (type) {
                case 1 -> connect(r);
                case 3 -> publish(flags, r);
                case 4 -> { // PUBACK
                    int id = r.u16();
                    synchronized (EmbeddedBroker.this) {
                        session.inflight.remove(id);
                        while (!session.queued.isEmpty() && session.conn == this && session.inflight.size() < 1000) {
                            deliver(session, session.queued.poll());
                        }
                    }
                }
                case 8 -> subscribe(r);
                case 10 -> unsubscribe(r);
                case 12 -> send(new byte[] {(byte) 0xD0, 0});
                default -> throw new IOException("unsupported packet type " + type);
            }
        }

        private void connect(Reader r) throws IOException {
            String protocol = r.string();
            int level = r.u8();
            if (!protocol.equals("MQTT") || level != 5) {
                // 3.1.1 CONNACK "unacceptable protocol version", understood by older clients too
                send(new byte[] {0x20, 2, 0, 1});
                throw new IOException("client speaks MQTT level " + level + ", not 5");
            }
            int f = r.u8();
            int keepAlive = r.u16();
            Map<Integer, Long> props = r.properties();
            String clientId = r.string();
            Msg w = null;
            if ((f & 0x04) != 0) {
                r.properties();
                String topic = r.string();
                byte[] payload = r.binary();
                w = new Msg(topic, payload, (f >>> 3) & 0x03, (f & 0x20) != 0);
            }
            if ((f & 0x80) != 0) {
                r.string();
            }
            if ((f & 0x40) != 0) {
                r.binary();
            }
            if (clientId.isEmpty()) {
                clientId = "auto-" + Long.toHexString(System.nanoTime());
            }
            if (keepAlive > 0) {
                socket.setSoTimeout(keepAlive * 1500);
            }
            boolean present;
            List<Msg> resend = new ArrayList<>();
            Conn previous = null;
            synchronized (EmbeddedBroker.this) {
                SessionState s = sessions.get(clientId);
                if (s != null && s.conn != null) {
                    previous = s.conn;
                    s.conn.closing = true; // taken over: its will is not published
                    s.conn = null;
                }
                if ((f & 0x02) != 0 || s == null) {
                    s = new SessionState(clientId);
                    sessions.put(clientId, s);
                    present = false;
                } else {
                    present = true;
                }
                s.expirySeconds = props.getOrDefault(0x11, 0L);
                s.maxPacket = props.getOrDefault(0x27, Long.MAX_VALUE);
                s.conn = this;
                session = s;
                will = w;
                send(new byte[] {0x20, 3, (byte) (present ? 1 : 0), 0, 0});
                for (Map.Entry<Integer, Msg> e : s.inflight.entrySet()) {
                    send(publishPacket(e.getValue(), e.getKey(), true));
                }
                while (!s.queued.isEmpty() && s.inflight.size() < 1000) {
                    resend.add(s.queued.poll());
                }
                for (Msg m : resend) {
                    deliver(s, m);
                }
            }
            if (previous != null) {
                synchronized (EmbeddedBroker.this) {
                    connections.remove(previous);
                }
                previous.close();
            }
        }

        private void publish(int flags, Reader r) throws IOException {
            int qos = (flags >>> 1) & 0x03;
            if (qos > 1) {
                throw new IOException("QoS 2 is not supported by the lab broker");
            }
            String topic = r.string();
            int id = qos > 0 ? r.u16() : 0;
            r.properties();
            byte[] payload = r.rest();
            synchronized (EmbeddedBroker.this) {
                route(new Msg(topic, payload, qos, (flags & 1) != 0));
            }
            if (qos == 1) {
                send(new byte[] {0x40, 2, (byte) (id >>> 8), (byte) id});
            }
        }

        private void subscribe(Reader r) throws IOException {
            int id = r.u16();
            r.properties();
            List<String> filters = new ArrayList<>();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(id >>> 8);
            body.write(id & 0xFF);
            body.write(0);
            synchronized (EmbeddedBroker.this) {
                while (r.p < r.b.length) {
                    String filter = r.string();
                    int qos = Math.min(1, r.u8() & 0x03);
                    session.subscriptions.put(filter, qos);
                    filters.add(filter);
                    body.write(qos);
                }
                send(packet(0x90, body.toByteArray()));
                for (Msg m : new ArrayList<>(retained.values())) {
                    for (String filter : filters) {
                        if (matches(filter, m.topic())) {
                            deliver(session, new Msg(m.topic(), m.payload(),
                                    Math.min(m.qos(), session.subscriptions.get(filter)), true));
                            break;
                        }
                    }
                }
            }
        }

        private void unsubscribe(Reader r) throws IOException {
            int id = r.u16();
            r.properties();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(id >>> 8);
            body.write(id & 0xFF);
            body.write(0);
            synchronized (EmbeddedBroker.this) {
                while (r.p < r.b.length) {
                    session.subscriptions.remove(r.string());
                    body.write(0);
                }
            }
            send(packet(0xB0, body.toByteArray()));
        }
    }
}
