package org.tidegate.driver.sl651.station;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.driver.serial.ByteLine;
import org.tidegate.driver.serial.SerialLine;
import org.tidegate.driver.serial.SerialPorts;
import org.tidegate.driver.serial.SerialSettings;
import org.tidegate.driver.serial.SocketLine;
import org.tidegate.driver.sl651.codec.ControlChar;
import org.tidegate.driver.sl651.codec.Element;
import org.tidegate.driver.sl651.codec.Encoding;
import org.tidegate.driver.sl651.codec.FunctionCode;
import org.tidegate.driver.sl651.codec.Report;
import org.tidegate.driver.sl651.codec.Sl651Decoder;
import org.tidegate.driver.sl651.codec.Sl651Frame;

/**
 * A telemetry station reporting to its centre: each {@link #report} is sent as one frame (HEX/BCD, or ASCII when
 * made with {@link Encoding#ASCII}), and the station
 * waits up to {@code ackTimeout} for the centre's acknowledgement (a downlink frame of the same function whose
 * body starts with the report's serial number); without one it sends the same frame again, up to
 * {@code resends} times, as SL 651-2014 has stations do. Not thread-safe: one reporting thread.
 */
public final class SimulatedStation implements AutoCloseable {

    /** Each write to the centre waits at most this long. */
    private static final long WRITE_TIMEOUT_MS = 2000;

    /** How one report went. */
    public record Outcome(int serial, int sends, boolean acknowledged) {
    }

    /** The byte pipe to the centre, and how to close it. */
    private final ByteLine link;
    private final Runnable closeLink;
    private final String station;
    private final int centre;
    private final int password;
    private final int category;
    private final ZoneId zone;
    private final long ackTimeoutMillis;
    private final int resends;
    private final Encoding encoding;
    private final AtomicInteger acksToLose = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final byte[] buf = new byte[512];
    private int serial;

    private SimulatedStation(ByteLine link, Runnable closeLink, String station, int centre, int password, ZoneId zone, long ackTimeoutMillis, int resends,
                             Encoding encoding) {
        this.link = link;
        this.closeLink = closeLink;
        this.encoding = encoding;
        this.station = station;
        this.centre = centre;
        this.password = password;
        this.category = 0x48; // 'H': river station
        this.zone = zone;
        this.ackTimeoutMillis = ackTimeoutMillis;
        this.resends = resends;
    }

    /** A HEX/BCD station on a serial line (e.g. one end of a socat pty pair). */
    public static SimulatedStation serial(SerialSettings settings, String station, int centre, int password, ZoneId zone,
                                          long ackTimeoutMillis, int resends) throws IOException {
        return serial(settings, station, centre, password, zone, ackTimeoutMillis, resends, Encoding.HEX);
    }

    /** A station on a serial line sending frames in {@code encoding}. */
    public static SimulatedStation serial(SerialSettings settings, String station, int centre, int password, ZoneId zone,
                                          long ackTimeoutMillis, int resends, Encoding encoding) throws IOException {
        SerialLine line = SerialPorts.open(settings);
        return new SimulatedStation(line, line::close, station, centre, password, zone, ackTimeoutMillis, resends, encoding);
    }

    /** A HEX/BCD station connected over TCP to a centre listening at {@code host:port}. */
    public static SimulatedStation tcp(String host, int port, String station, int centre, int password, ZoneId zone,
                                       long ackTimeoutMillis, int resends) throws IOException {
        return tcp(host, port, station, centre, password, zone, ackTimeoutMillis, resends, Encoding.HEX);
    }

    /**
     * A station connected over TCP to a centre listening at {@code host:port}, sending frames in {@code encoding}.
     * Every wait has a deadline ({@link SocketLine}): connect 5 s, each write 2 s.
     */
    public static SimulatedStation tcp(String host, int port, String station, int centre, int password, ZoneId zone,
                                       long ackTimeoutMillis, int resends, Encoding encoding) throws IOException {
        SocketLine s = SocketLine.connect(host, port, 5000);
        return new SimulatedStation(s, s::close, station, centre, password, zone, ackTimeoutMillis, resends, encoding);
    }

    public String station() {
        return station;
    }

    /** The next {@code n} acknowledgements are "lost" (read and ignored), so the report is sent again. */
    public void loseAcknowledgements(int n) {
        acksToLose.set(n);
    }

    /** Frames sent, resends included. */
    public long sent() {
        return sent.get();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /**
     * Sends a report of {@code function} ({@link FunctionCode#TIMED}, {@link FunctionCode#ADDED} ...) observed at
     * {@code observed}, and waits for its acknowledgement, sending again when none comes.
     */
    public Outcome report(int function, LocalDateTime observed, List<Element> elements) throws IOException {
        serial = serial % 0xFFFF + 1;
        Report r = new Report(function, serial, LocalDateTime.now(zone).withNano(0), station, category,
                observed.withSecond(0).withNano(0), elements);
        byte[] wire = new Sl651Frame(centre, station, password, function, false, r.encode(encoding), ControlChar.ETX, encoding).encode();
        for (int send = 1; send <= 1 + resends; send++) {
            link.write(wire, 0, wire.length, WRITE_TIMEOUT_MS);
            sent.incrementAndGet();
            if (awaitAck(function, serial)) {
                acknowledged.incrementAndGet();
                return new Outcome(serial, send, true);
            }
        }
        return new Outcome(serial, 1 + resends, false);
    }

    /** Sends a keep-alive ({@code 2F}); the centre does not answer it. */
    public void keepAlive() throws IOException {
        serial = serial % 0xFFFF + 1;
        Report r = new Report(FunctionCode.KEEP_ALIVE, serial, LocalDateTime.now(zone).withNano(0), null, -1, null, List.of());
        byte[] wire = new Sl651Frame(centre, station, password, FunctionCode.KEEP_ALIVE, false, r.encode(encoding), ControlChar.ETX,
                encoding).encode();
        link.write(wire, 0, wire.length, WRITE_TIMEOUT_MS);
        sent.incrementAndGet();
    }

    private boolean awaitAck(int function, int serialNumber) throws IOException {
        Sl651Decoder d = new Sl651Decoder(encoding);
        long deadline = System.nanoTime() + ackTimeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            int n = link.read(buf, 0, buf.length, left);
            for (Sl651Decoder.Event e : d.feed(buf, 0, n)) {
                if (e instanceof Sl651Decoder.Received got && got.frame().downlink() && got.frame().function() == function
                        && got.frame().station().equals(station) && got.frame().serialNumber() == serialNumber) {
                    if (acksToLose.get() > 0 && acksToLose.getAndDecrement() > 0) {
                        continue; // lost on the way
                    }
                    return true;
                }
            }
        }
    }

    @Override
    public void close() {
        closeLink.run();
    }
}
