package org.tidegate.driver.sl651.internal;

import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.log.RateLimitedLog;
import org.tidegate.driver.sl651.codec.Encoding;
import org.tidegate.driver.sl651.codec.FunctionCode;
import org.tidegate.driver.sl651.codec.Sl651Decoder;
import org.tidegate.driver.sl651.codec.Sl651Frame;

/**
 * One place the centre listens (a serial port or a TCP port), shared by the stations reporting there: decodes
 * what arrives, hands each report to its station's {@link StationInbox} by the frame's station address, and answers
 * it with the acknowledgement SL 651-2014 expects (the same function, direction 8, addresses swapped, the report's
 * serial number and the centre's time; EOT, or ESC to keep the link), also for a repeat, or the station would keep
 * resending. Keep-alives ({@code 2F}) are not answered (the standard has the centre stay silent to them). Frames
 * of stations no device names, of another centre or with another password are not answered and are counted.
 */
abstract class Receiver implements AutoCloseable {

    @Override
    public abstract void close();
    private static final RateLimitedLog LOG = new RateLimitedLog(1 / 60.0, 5);
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final String where;
    private final Encoding encoding;
    private final Map<String, StationInbox> stations = new ConcurrentHashMap<>();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String problem = "";

    Receiver(String where, Encoding encoding) {
        this.where = where;
        this.encoding = encoding;
    }

    /** The encoding every station on this listener uses. */
    Encoding encoding() {
        return encoding;
    }

    /** A decoder for one link of this listener. */
    Sl651Decoder newDecoder() {
        return new Sl651Decoder(encoding);
    }

    String where() {
        return where;
    }

    /**
     * @throws IllegalArgumentException if another device already receives this station here, or the station's
     *                                  encoding is not this listener's
     */
    void register(StationInbox inbox) {
        if (inbox.settings().encoding() != encoding) {
            throw new IllegalArgumentException("station " + inbox.settings().station() + " is configured for "
                    + inbox.settings().encoding().word() + " frames, but " + where + " receives " + encoding.word()
                    + " frames (stations on one listener share one encoding)");
        }
        StationInbox before = stations.putIfAbsent(inbox.settings().station(), inbox);
        if (before != null) {
            throw new IllegalArgumentException("station " + inbox.settings().station() + " on " + where
                    + " is already received as device " + before.deviceId());
        }
    }

    void unregister(StationInbox inbox) {
        stations.remove(inbox.settings().station(), inbox);
    }

    boolean idle() {
        return stations.isEmpty();
    }

    /** Why the receiver cannot receive now (port missing, address in use), or empty. */
    String problem() {
        return problem;
    }

    void problem(String p) {
        problem = p == null ? "" : p;
    }

    /** Frames of stations no device names. */
    long unknownStations() {
        return unknown.get();
    }

    /** Refused frames that name no known station. */
    long refused() {
        return refused.get();
    }

    /** Starts receiving (its own threads). */
    abstract void start();

    /** An acknowledgement to send back on the link a frame came in on, and the station it is for. */
    record Answer(byte[] bytes, StationInbox station) {
    }

    /**
     * An acknowledgement could not be sent within its deadline (the station stopped reading) or the link failed:
     * counted on the station (the station will resend, and the repeat is dropped as a duplicate), logged
     * rate-limited.
     */
    void answerFailed(Answer a, String peer, java.io.IOException e) {
        ReadStatus status = e instanceof org.tidegate.driver.serial.WriteTimeoutException ? ReadStatus.TIMEOUT : ReadStatus.IO_ERROR;
        a.station().count(status);
        LOG.warn(a.station().deviceId() + "/ack", "device={} station={} acknowledgement not sent to {}: {}", a.station().deviceId(),
                a.station().settings().station(), peer, e.getMessage());
    }

    /**
     * Handles one decoder event from {@code peer}.
     *
     * @return the acknowledgement to send back on the same link, or null
     */
    Answer handle(Sl651Decoder.Event event, String peer) {
        if (event instanceof Sl651Decoder.Refused r) {
            refusedFrame(r, peer);
            return null;
        }
        Sl651Decoder.Received got = (Sl651Decoder.Received) event;
        Sl651Frame f = got.frame();
        if (f.downlink()) {
            return null; // our own acknowledgement echoed, or another centre's frame on a shared radio channel
        }
        StationInbox inbox = stations.get(f.station());
        if (inbox == null) {
            unknown.incrementAndGet();
            LOG.warn("unknown:" + where, "sl651 {}: frame from station {} (function {}) from {}, which no device receives: not answered",
                    where, f.station(), String.format("%02X", f.function()), peer);
            return null;
        }
        var s = inbox.settings();
        if (s.centre() >= 0 && f.centre() != s.centre() || s.password() >= 0 && f.password() != s.password()) {
            inbox.count(ReadStatus.MALFORMED);
            LOG.warn("auth:" + inbox.deviceId(), "device={} station={} frame for centre {} password {} (configured {} and {}): not answered",
                    inbox.deviceId(), f.station(), f.centre(), String.format("%04X", f.password()),
                    s.centre() < 0 ? "any" : s.centre(), s.password() < 0 ? "any" : String.format("%04X", s.password()));
            return null;
        }
        inbox.heard();
        if (got.report() == null || f.function() == FunctionCode.KEEP_ALIVE) {
            return null;
        }
        inbox.offer(got.report(), f);
        return new Answer(Sl651Frame.acknowledgement(f, LocalDateTime.now(s.zone()), s.keepOnline()).encode(), inbox);
    }

    private void refusedFrame(Sl651Decoder.Refused r, String peer) {
        byte[] b = r.bytes();
        // The station address of an uplink header (HEX bytes 3-7, ASCII characters 3-12); trusted only to attribute
        // the fault.
        String station = encoding == Encoding.HEX ? (b.length >= 8 ? HEX.formatHex(b, 3, 8) : null)
                : (b.length >= 13 ? new String(b, 3, 10, java.nio.charset.StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT) : null);
        StationInbox inbox = station == null ? null : stations.get(station);
        ReadStatus status = switch (r.reason().kind()) {
            case CRC -> ReadStatus.CRC_ERROR;
            case UNSUPPORTED -> ReadStatus.UNSUPPORTED;
            default -> ReadStatus.MALFORMED;
        };
        if (inbox != null) {
            inbox.count(status);
            LOG.warn(inbox.deviceId() + "/" + status, "device={} station={} frame refused from {}: {}", inbox.deviceId(),
                    inbox.settings().station(), peer, r.reason().getMessage());
        } else {
            refused.incrementAndGet();
            LOG.warn("refused:" + where, "sl651 {}: {} bytes refused from {}: {}", where, b.length, peer, r.reason().getMessage());
        }
    }
}
