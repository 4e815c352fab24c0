package org.tidegate.driver.modbus.internal;

import java.io.IOException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.driver.modbus.codec.Crc16;
import org.tidegate.driver.modbus.codec.FunctionCode;
import org.tidegate.driver.modbus.codec.RtuFrame;
import org.tidegate.driver.modbus.codec.RtuFrameDecoder;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialLine;
import org.tinylog.Logger;

/**
 * Modbus RTU for one device over a {@link SerialBus} shared with the other devices on the line: each request and
 * its response are one exchange with the bus to itself, preceded by the inter-frame silence (t3.5 by default,
 * counted from the end of the bus's previous exchange, whoever made it), and bounded by one deadline (see
 * {@link #exchange}): a noisy line costs one request's time, never more.
 */
public final class RtuTransport implements ModbusTransport {
    private final SerialBus bus;
    private final long interFrameNanos;
    private final RtuFrameDecoder decoder = new RtuFrameDecoder(RtuFrameDecoder.Role.RESPONSE);
    private final byte[] buf = new byte[300];
    /** Quiet time that ends the wait once what arrived can no longer become our answer. */
    private final long quietNanos;

    /** @param interFrameMillis silent time before each request; negative for the spec's t3.5 at this line speed */
    public RtuTransport(SerialBus bus, double interFrameMillis) {
        this.bus = bus;
        this.interFrameNanos = interFrameMillis < 0
                ? RtuFrame.interFrameNanos(bus.settings().baud(), bus.settings().bitsPerChar())
                : (long) (interFrameMillis * 1_000_000L);
        this.quietNanos = Math.max(5_000_000L, 2 * interFrameNanos);
    }

    public SerialBus bus() {
        return bus;
    }

    @Override
    public byte[] transact(int unit, byte[] pdu, long timeoutMillis) throws TransportException {
        return transact(unit, pdu, timeoutMillis, false);
    }

    @Override
    public byte[] transact(int unit, byte[] pdu, long timeoutMillis, boolean urgent) throws TransportException {
        byte[] frame = RtuFrame.encode(unit, pdu);
        try {
            return bus.exchange(urgent, line -> exchange(line, unit, pdu, frame, timeoutMillis));
        } catch (SerialBus.UnavailableException e) {
            throw new TransportException(ReadStatus.NOT_CONNECTED, e.getMessage());
        } catch (FrameFailure e) {
            throw e.failure;
        } catch (IOException e) {
            throw new TransportException(ReadStatus.NOT_CONNECTED, e.getMessage());
        }
    }

    /** Carries a protocol failure out of the bus exchange without closing the line (only I/O errors do that). */
    private static final class FrameFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TransportException failure;

        FrameFailure(TransportException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    /**
     * One request and its answer, all before one deadline: {@code interFrame + timeout + the request's wire time}
     * from the moment the bus is ours. Nothing in here waits past it, so the bus lock is never held longer:
     *
     * <ol>
     * <li>silence: wait out t3.5 since the bus's previous exchange, then make sure the line stays quiet for
     * t3.5 (bytes that keep arriving are noise or a late answer). If the line is not quiet by half the timeout,
     * the request is not sent and fails with {@link ReadStatus#NOISE};</li>
     * <li>send the request;</li>
     * <li>read until the deadline, looking for our answer (our unit, our function, a good CRC) anywhere in what
     * arrives, so that noise before the answer does not lose it. Once what has arrived can no longer become an
     * answer, a quiet line ends the wait early.</li>
     * </ol>
     */
    private byte[] exchange(SerialLine line, int unit, byte[] pdu, byte[] frame, long timeoutMillis) throws IOException {
        long start = System.nanoTime();
        long timeoutNanos = timeoutMillis * 1_000_000L;
        // The answer cannot start before our request has left the wire.
        long deadline = start + interFrameNanos + timeoutNanos + frame.length * bus.settings().charTimeNanos();
        long quietBy = start + interFrameNanos + timeoutNanos / 2;
        try {
            waitUntil(Math.min(bus.lastExchangeEnd() + interFrameNanos, quietBy));
            int stale = line.discardInput();
            int dropped = stale;
            while (stale > 0) {
                // Something arrived since the last exchange: wait until the line has been quiet for t3.5.
                if (System.nanoTime() + interFrameNanos - quietBy > 0) {
                    throw fail(ReadStatus.NOISE, "line not quiet for " + millis(interFrameNanos) + " ms before the request to unit "
                            + unit + ": " + dropped + " bytes of noise in " + millis(System.nanoTime() - start) + " ms");
                }
                waitUntil(System.nanoTime() + interFrameNanos);
                stale = line.discardInput();
                dropped += stale;
            }
            if (dropped > 0) {
                Logger.debug("bus={} dropped {} stale bytes before a request to unit {}", bus.settings().port(), dropped, unit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrameFailure(new TransportException(ReadStatus.IO_ERROR, "interrupted"));
        }
        line.write(frame, 0, frame.length, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        decoder.reset();
        received = 0;
        overflow = 0;
        int fc = pdu[0] & 0xFF;
        while (true) {
            int at = findAnswer(unit, fc);
            if (at >= 0) {
                if (at > 0 || overflow > 0) {
                    Logger.debug("bus={} skipped {} bytes of noise before the answer of unit {}", bus.settings().port(),
                            at + overflow, unit);
                }
                int len = answerLength(at);
                byte[] answer = new byte[len - 3];
                System.arraycopy(acc, at + 1, answer, 0, answer.length);
                return answer;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            boolean mayBecomeAnswer = received == 0 || pending(unit, fc)
                    || (overflow == 0 && decoder.state() == RtuFrameDecoder.State.NEED_MORE);
            long wait = mayBecomeAnswer ? deadline - now : Math.min(deadline - now, quietNanos);
            int n = line.read(buf, 0, buf.length, Math.max(1, (wait + 999_999L) / 1_000_000L));
            if (n == 0) {
                if (!mayBecomeAnswer) {
                    break;
                }
                continue;
            }
            append(n);
        }
        throw classify(unit, fc, timeoutMillis);
    }

    /** What the bytes received (none, one bad frame, or noise) say when no answer was found. */
    private FrameFailure classify(int unit, int fc, long timeoutMillis) {
        if (received == 0 && overflow == 0) {
            return fail(ReadStatus.TIMEOUT, "no answer from unit " + unit + " within " + timeoutMillis + " ms");
        }
        boolean oneFrame = overflow == 0 && decoder.extraBytes() == 0;
        if (oneFrame) {
            // Exactly one frame's worth (or less) on an otherwise quiet line: say what was wrong with it.
            switch (decoder.state()) {
                case NEED_MORE:
                    if (received < 2 || decoder.unit() == unit) {
                        return fail(ReadStatus.MALFORMED, "short frame from unit " + unit + ": " + decoder.received()
                                + " of " + (decoder.expectedLength() < 0 ? "?" : decoder.expectedLength()) + " bytes [" + decoder.hex() + "]");
                    }
                    break;
                case CRC_ERROR:
                    return fail(ReadStatus.CRC_ERROR, "CRC mismatch in response from unit " + unit + " [" + decoder.hex() + "]");
                case COMPLETE:
                    if (decoder.unit() != unit) {
                        return fail(ReadStatus.MALFORMED, "answer from unit " + decoder.unit() + " to a request for unit " + unit);
                    }
                    return fail(ReadStatus.MALFORMED, "response function " + decoder.functionCode() + " to a function " + fc + " request");
                default:
                    break;
            }
        }
        int bad = badCrcCandidate(unit, fc);
        if (bad >= 0) {
            return fail(ReadStatus.CRC_ERROR, "CRC mismatch in response from unit " + unit + " amid "
                    + (received + overflow - answerLength(bad)) + " bytes of noise [" + hex(bad, answerLength(bad)) + "]");
        }
        return fail(ReadStatus.NOISE, (received + overflow) + " bytes of noise and no answer from unit " + unit + " within "
                + timeoutMillis + " ms [" + hex(0, Math.min(received, 24)) + (received > 24 ? " …" : "") + "]");
    }

    // ---- what has arrived since the request: kept whole (up to ACC bytes) so the answer can be found in noise

    private static final int ACC = 1024;
    private final byte[] acc = new byte[ACC];
    private int received;
    /** Bytes dropped from the front of {@link #acc} when it filled up. */
    private int overflow;

    private void append(int n) {
        decoder.feed(buf, 0, n);
        if (received + n > ACC) {
            int drop = received + n - ACC;
            System.arraycopy(acc, drop, acc, 0, received - drop);
            received -= drop;
            overflow += drop;
        }
        System.arraycopy(buf, 0, acc, received, n);
        received += n;
    }

    /** The length of a response starting at {@code at} from its header, -1 if not known yet. */
    private int answerLength(int at) {
        if (received - at < 2) {
            return -1;
        }
        int f = acc[at + 1] & 0xFF;
        if ((f & FunctionCode.EXCEPTION_FLAG) != 0) {
            return 5;
        }
        return switch (f) {
            case 1, 2, 3, 4 -> received - at < 3 ? -1 : 5 + (acc[at + 2] & 0xFF);
            default -> 8;
        };
    }

    private boolean headerAt(int at, int unit, int fc) {
        return (acc[at] & 0xFF) == unit && (received - at < 2 || ((acc[at + 1] & 0xFF) & 0x7F) == fc);
    }

    private boolean crcOk(int at, int len) {
        int crc = Crc16.of(acc, at, len - 2);
        return crc == ((acc[at + len - 2] & 0xFF) | ((acc[at + len - 1] & 0xFF) << 8));
    }

    /** Offset of a whole frame from our unit with our function (or its exception) and a good CRC, else -1. */
    private int findAnswer(int unit, int fc) {
        for (int at = 0; at < received - 1; at++) {
            if (headerAt(at, unit, fc)) {
                int len = answerLength(at);
                if (len > 0 && at + len <= received && crcOk(at, len)) {
                    return at;
                }
            }
        }
        return -1;
    }

    /** Whether a frame that starts like our answer is still incomplete (worth waiting for). */
    private boolean pending(int unit, int fc) {
        for (int at = 0; at < received; at++) {
            if (headerAt(at, unit, fc)) {
                int len = answerLength(at);
                if (len < 0 || at + len > received) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Offset of a whole frame that starts like our answer but fails its CRC, else -1. */
    private int badCrcCandidate(int unit, int fc) {
        for (int at = 0; at < received - 1; at++) {
            if (headerAt(at, unit, fc)) {
                int len = answerLength(at);
                if (len > 0 && at + len <= received) {
                    return at;
                }
            }
        }
        return -1;
    }

    private String hex(int from, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + len && i < received; i++) {
            sb.append(i > from ? " " : "").append(String.format("%02X", acc[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static FrameFailure fail(ReadStatus status, String detail) {
        return new FrameFailure(new TransportException(status, detail));
    }

    /**
     * Waits out the inter-frame silence precisely: a plain sleep of 1.75 ms overshoots by a millisecond or more on
     * a busy machine (measured: 3.2 ms per exchange at 115200 baud instead of 0.9 without the wait), so park for
     * most of it and spin the last 200 microseconds.
     */
    private static void waitUntil(long due) throws InterruptedException {
        long left = due - System.nanoTime();
        if (left > 300_000L) {
            java.util.concurrent.locks.LockSupport.parkNanos(left - 200_000L);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        while (due - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public String describe() {
        return "rtu " + bus.settings();
    }

    /** The bus belongs to the registry; the session releases it there. */
    @Override
    public void close() {
    }
}
