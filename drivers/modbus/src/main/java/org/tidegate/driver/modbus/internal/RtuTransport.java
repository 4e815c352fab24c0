package org.tidegate.driver.modbus.internal;

import java.io.IOException;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.driver.modbus.codec.FunctionCode;
import org.tidegate.driver.modbus.codec.RtuFrame;
import org.tidegate.driver.modbus.codec.RtuFrameDecoder;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialLine;
import org.tinylog.Logger;

/**
 * Modbus RTU for one device over a {@link SerialBus} shared with the other devices on the line: each request and
 * its response are one exchange with the bus to itself, preceded by the inter-frame silence (t3.5 by default,
 * counted from the end of the bus's previous exchange, whoever made it).
 */
public final class RtuTransport implements ModbusTransport {
    private final SerialBus bus;
    private final long interFrameNanos;
    private final RtuFrameDecoder decoder = new RtuFrameDecoder(RtuFrameDecoder.Role.RESPONSE);
    private final byte[] buf = new byte[300];

    /** @param interFrameMillis silent time before each request; negative for the spec's t3.5 at this line speed */
    public RtuTransport(SerialBus bus, double interFrameMillis) {
        this.bus = bus;
        this.interFrameNanos = interFrameMillis < 0
                ? RtuFrame.interFrameNanos(bus.settings().baud(), bus.settings().bitsPerChar())
                : (long) (interFrameMillis * 1_000_000L);
    }

    public SerialBus bus() {
        return bus;
    }

    @Override
    public byte[] transact(int unit, byte[] pdu, long timeoutMillis) throws TransportException {
        byte[] frame = RtuFrame.encode(unit, pdu);
        try {
            return bus.exchange(line -> exchange(line, unit, pdu, frame, timeoutMillis));
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

    private byte[] exchange(SerialLine line, int unit, byte[] pdu, byte[] frame, long timeoutMillis) throws IOException {
        try {
            waitUntil(bus.lastExchangeEnd() + interFrameNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrameFailure(new TransportException(ReadStatus.IO_ERROR, "interrupted"));
        }
        int stale = line.discardInput();
        if (stale > 0) {
            Logger.debug("bus={} dropped {} stale bytes before a request to unit {}", bus.settings().port(), stale, unit);
        }
        line.write(frame);
        decoder.reset();
        // The answer cannot start before our request has left the wire.
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L + frame.length * bus.settings().charTimeNanos();
        while (decoder.state() == RtuFrameDecoder.State.NEED_MORE) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            int n = line.read(buf, 0, buf.length, left);
            if (n > 0) {
                decoder.feed(buf, 0, n);
            }
        }
        return switch (decoder.state()) {
            case NEED_MORE -> {
                if (decoder.received() == 0) {
                    throw fail(ReadStatus.TIMEOUT, "no answer from unit " + unit + " within " + timeoutMillis + " ms");
                }
                throw fail(ReadStatus.MALFORMED, "short frame from unit " + unit + ": " + decoder.received()
                        + " of " + (decoder.expectedLength() < 0 ? "?" : decoder.expectedLength()) + " bytes [" + decoder.hex() + "]");
            }
            case CRC_ERROR -> throw fail(ReadStatus.CRC_ERROR, "CRC mismatch in response from unit " + unit
                    + " [" + decoder.hex() + "]");
            case UNFRAMEABLE -> {
                drainUntilQuiet(line);
                throw fail(ReadStatus.MALFORMED, "unframeable response (function " + decoder.functionCode()
                        + ") from unit " + unit + " [" + decoder.hex() + "]");
            }
            case COMPLETE -> {
                if (decoder.unit() != unit) {
                    throw fail(ReadStatus.MALFORMED, "answer from unit " + decoder.unit() + " to a request for unit " + unit);
                }
                if (decoder.extraBytes() > 0) {
                    Logger.debug("bus={} {} bytes after the response of unit {}", bus.settings().port(), decoder.extraBytes(), unit);
                }
                int fc = decoder.functionCode() & 0x7F;
                if (fc != (pdu[0] & 0xFF) || !FunctionCode.isKnown(fc)) {
                    throw fail(ReadStatus.MALFORMED, "response function " + decoder.functionCode()
                            + " to a function " + (pdu[0] & 0xFF) + " request");
                }
                yield decoder.pdu();
            }
        };
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

    /** After a frame we cannot delimit, skip bytes until the line has been quiet for a while. */
    private void drainUntilQuiet(SerialLine line) throws IOException {
        long quietMillis = Math.max(5, interFrameNanos / 1_000_000L * 2);
        while (line.read(buf, 0, buf.length, quietMillis) > 0) {
            // discard
        }
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
