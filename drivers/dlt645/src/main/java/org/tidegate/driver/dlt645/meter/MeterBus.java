package org.tidegate.driver.dlt645.meter;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.driver.dlt645.codec.Control;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.Dlt645Exception;
import org.tidegate.driver.dlt645.codec.Frame;
import org.tidegate.driver.dlt645.codec.FrameDecoder;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.serial.SerialPorts;
import org.tidegate.driver.serial.SerialSettings;
import org.tinylog.Logger;

/**
 * Several {@link SimulatedMeter}s on one serial line, like meters on one RS-485 bus: each answers the requests for
 * its address; read ({@code 11}) with {@code 91}, or {@code B1} and follow-up frames ({@code 12} → {@code B2}/{@code 92})
 * when the value is longer than {@link #maxValuePerFrame}, or {@code D1} "no requested data"; read address
 * ({@code 13}) only when the bus has one meter (more would collide, as on a real bus); broadcast time sync
 * ({@code 08}) is taken by every meter, unanswered. Frames with a bad checksum are ignored.
 */
public final class MeterBus implements AutoCloseable {
    private final List<SimulatedMeter> meters = new CopyOnWriteArrayList<>();
    private final Pipe line;
    private final Thread thread;
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running = true;
    private volatile int maxValuePerFrame = 180;

    /** The meters' side of the line: a serial port, or a TCP port as a transparent serial server offers. */
    private interface Pipe {
        int read(byte[] buf, long timeoutMillis) throws IOException;

        void write(byte[] b) throws IOException;

        String name();

        void close();
    }

    private MeterBus(Pipe line, List<SimulatedMeter> meters) {
        this.line = line;
        this.meters.addAll(meters);
        this.thread = new Thread(this::loop, "dlt645-meters-" + line.name());
        this.thread.setDaemon(true);
    }

    /** Opens {@code settings}' port and serves {@code meters} on it. */
    public static MeterBus start(SerialSettings settings, List<SimulatedMeter> meters) throws IOException {
        SerialLine l = SerialPorts.open(settings);
        MeterBus b = new MeterBus(new Pipe() {
            @Override
            public int read(byte[] buf, long timeoutMillis) throws IOException {
                return l.read(buf, 0, buf.length, timeoutMillis);
            }

            @Override
            public void write(byte[] w) throws IOException {
                l.write(w, 0, w.length, 1000);
            }

            @Override
            public String name() {
                return settings.port();
            }

            @Override
            public void close() {
                l.close();
            }
        }, meters);
        b.thread.start();
        Logger.info("dlt645 meter bus on {}: {} meters", settings, meters.size());
        return b;
    }

    /**
     * Serves {@code meters} behind a TCP port, as a transparent serial server in front of their line would: one
     * client at a time (a new one is taken when the last closes). {@code port} 0 picks a free one, see {@link #tcpPort()}.
     */
    public static MeterBus startTcp(String bind, int port, List<SimulatedMeter> meters) throws IOException {
        org.tidegate.driver.serial.SocketListener server = org.tidegate.driver.serial.SocketListener.bind(bind, port);
        Pipe p = new Pipe() {
            private org.tidegate.driver.serial.SocketLine client;

            @Override
            public int read(byte[] buf, long timeoutMillis) throws IOException {
                if (client == null) {
                    client = server.accept(Math.min(100, Math.max(1, timeoutMillis)));
                    if (client == null) {
                        return 0;
                    }
                }
                try {
                    return client.read(buf, 0, buf.length, timeoutMillis);
                } catch (IOException gone) {
                    client.close();
                    client = null;
                    return 0;
                }
            }

            @Override
            public void write(byte[] w) throws IOException {
                if (client != null) {
                    client.write(w, 0, w.length, 2000);
                }
            }

            @Override
            public String name() {
                return "tcp-" + server.localPort();
            }

            @Override
            public void close() {
                if (client != null) {
                    client.close();
                }
                server.close();
            }
        };
        MeterBus b = new MeterBus(p, meters);
        b.tcpPort = server.localPort();
        b.thread.start();
        Logger.info("dlt645 meters behind tcp {}:{}: {} meters", bind, b.tcpPort, meters.size());
        return b;
    }

    private volatile int tcpPort = -1;

    /** The TCP port of {@link #startTcp}, -1 on a serial line. */
    public int tcpPort() {
        return tcpPort;
    }

    public List<SimulatedMeter> meters() {
        return List.copyOf(meters);
    }

    /** Value bytes per reply frame; a longer value is sent in follow-up frames. */
    public void maxValuePerFrame(int bytes) {
        if (bytes < 1 || bytes > Frame.MAX_DATA - 5) {
            throw new IllegalArgumentException("value bytes per frame " + bytes);
        }
        this.maxValuePerFrame = bytes;
    }

    /** Frames refused by the bus's decoder (bad checksum, garbage). */
    public long refused() {
        return refused.get();
    }

    private void loop() {
        FrameDecoder d = new FrameDecoder();
        byte[] buf = new byte[256];
        FrameDecoder.Listener l = new FrameDecoder.Listener() {
            @Override
            public void frame(Frame f) {
                answer(f);
            }

            @Override
            public void refused(Dlt645Exception reason, byte[] bytes) {
                refused.incrementAndGet();
            }
        };
        while (running) {
            try {
                int n = line.read(buf, 100);
                if (n == 0) {
                    d.endOfInput(l);
                }
                d.feed(buf, 0, n, l);
            } catch (IOException e) {
                if (running) {
                    Logger.warn("dlt645 meter bus on {} stopped: {}", line.name(), e.getMessage());
                }
                return;
            }
        }
    }

    private void answer(Frame f) {
        if (Control.isReply(f.control())) {
            return;
        }
        if (f.control() == Control.BROADCAST_TIME) {
            try {
                var t = Dlt645.timeOf(f);
                meters.forEach(m -> m.timeSynced(t));
            } catch (Dlt645Exception e) {
                refused.incrementAndGet();
            }
            return;
        }
        if (f.control() == Control.READ_ADDRESS) {
            if (meters.size() == 1 && meters.get(0).fault() != SimulatedMeter.Fault.SILENT) {
                SimulatedMeter m = meters.get(0);
                send(m, new Frame(m.address(), Control.READ_ADDRESS_REPLY, m.address().toWire()));
            }
            return;
        }
        for (SimulatedMeter m : meters) {
            if (!f.address().equals(m.address()) || m.fault() == SimulatedMeter.Fault.SILENT) {
                continue;
            }
            if (f.control() == Control.READ && f.data().length == 4) {
                reply(m, f, Dlt645.identifier(f.data(), 0), 0);
            } else if (f.control() == Control.READ_FOLLOW_UP && f.data().length == 5) {
                reply(m, f, Dlt645.identifier(f.data(), 0), f.data()[4] & 0xFF);
            }
            return;
        }
    }

    /** The reply to a read ({@code seq} 0) or to follow-up read {@code seq}. */
    private void reply(SimulatedMeter m, Frame request, int di, int seq) {
        byte[] value = m.read(di);
        boolean followUpRead = seq > 0;
        if (value == null) {
            send(m, new Frame(m.address(), followUpRead ? Control.READ_FOLLOW_UP_ERROR : Control.READ_ERROR, new byte[] {0x02}));
            return;
        }
        int per = maxValuePerFrame;
        int from = seq * per;
        if (from >= value.length && seq > 0) {
            send(m, new Frame(m.address(), Control.READ_FOLLOW_UP_ERROR, new byte[] {0x01}));
            return;
        }
        int to = Math.min(value.length, from + per);
        boolean more = to < value.length;
        byte[] chunk = Arrays.copyOfRange(value, from, to);
        byte[] data = new byte[4 + chunk.length + (followUpRead ? 1 : 0)];
        System.arraycopy(Dlt645.identifierBytes(di), 0, data, 0, 4);
        System.arraycopy(chunk, 0, data, 4, chunk.length);
        if (followUpRead) {
            data[data.length - 1] = (byte) seq;
        }
        int control = followUpRead ? (more ? Control.READ_FOLLOW_UP_REPLY_MORE : Control.READ_FOLLOW_UP_REPLY)
                : (more ? Control.READ_REPLY_FOLLOW_UP : Control.READ_REPLY);
        send(m, new Frame(m.address(), control, data));
    }

    private void send(SimulatedMeter m, Frame reply) {
        byte[] wire = reply.encode(2);
        if (m.fault() == SimulatedMeter.Fault.BAD_CHECKSUM) {
            wire[wire.length - 2] ^= 0x01;
        }
        try {
            line.write(wire);
        } catch (IOException e) {
            Logger.debug("dlt645 meter bus on {}: reply not sent: {}", line.name(), e.getMessage());
        }
    }

    /** Makes {@code address}'s meter misbehave; a convenience for tests and the demo. */
    public void fault(MeterAddress address, SimulatedMeter.Fault fault) {
        meters.stream().filter(m -> m.address().equals(address)).forEach(m -> m.fault(fault));
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        line.close();
    }
}
