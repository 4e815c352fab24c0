package org.tidegate.driver.dlt645.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.driver.dlt645.Dlt645ChannelSettings;
import org.tidegate.driver.dlt645.codec.Control;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.Dlt645Exception;
import org.tidegate.driver.dlt645.codec.Frame;
import org.tidegate.driver.dlt645.codec.FrameDecoder;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.dlt645.codec.ReadReply;
import org.tidegate.driver.serial.SerialBus;
import org.tidegate.driver.serial.SerialLine;

/**
 * One meter on a shared bus. Every read is one exchange with the bus to itself, and nothing in it waits past one
 * deadline ({@code timeout} plus the request's wire time from the moment the bus is ours): the silence before
 * the request, the write and every read are bounded by it.
 */
public final class Dlt645Session implements DeviceSession {
    /** Silence kept before a request, counted from the end of the bus's previous exchange: 20 character times. */
    private static final int GAP_CHARS = 20;

    private final String deviceId;
    private final MeterAddress meter;
    private final SerialBus bus;
    private final long timeoutMillis;
    private final int retries;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> onClosed = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();
    private final byte[] buf = new byte[256];

    public Dlt645Session(String deviceId, MeterAddress meter, SerialBus bus, long timeoutMillis, int retries, Runnable release) {
        this.deviceId = deviceId;
        this.meter = meter;
        this.bus = bus;
        this.timeoutMillis = timeoutMillis;
        this.retries = Math.max(0, retries);
        this.release = release;
    }

    public void onClosed(Runnable r) {
        onClosed.add(r);
    }

    @Override
    public List<ChannelReading> read(List<Channel> channels) {
        List<ChannelReading> out = new ArrayList<>(channels.size());
        for (Channel c : channels) {
            out.add(readOne(c));
        }
        return out;
    }

    private ChannelReading readOne(Channel c) {
        if (!(c.settings() instanceof Dlt645ChannelSettings s)) {
            return ChannelReading.failed(c, ReadStatus.UNSUPPORTED, "channel " + c.id() + " has no DL/T 645 settings", System.currentTimeMillis());
        }
        if (closed.get()) {
            return ChannelReading.failed(c, ReadStatus.NOT_CONNECTED, "session closed", System.currentTimeMillis());
        }
        Frame request = Dlt645.readRequest(meter, s.dataIdentifier());
        Outcome last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            last = transact(request);
            if (last.reply != null || last.status == ReadStatus.DEVICE_EXCEPTION || last.status == ReadStatus.NOT_CONNECTED) {
                break;
            }
        }
        long now = System.currentTimeMillis();
        if (last.reply == null) {
            return ChannelReading.failed(c, last.status, last.detail, now);
        }
        try {
            double v = s.format().decode(last.reply.value()).doubleValue();
            return ChannelReading.ok(c, v, now);
        } catch (Dlt645Exception e) {
            return ChannelReading.failed(c, ReadStatus.MALFORMED, "meter " + meter + " " + Dlt645.identifier(s.dataIdentifier()) + ": " + e.getMessage(), now);
        }
    }

    private record Outcome(ReadReply reply, ReadStatus status, String detail) {
    }

    private Outcome transact(Frame request) {
        try {
            return bus.exchange(line -> exchange(line, request));
        } catch (SerialBus.UnavailableException e) {
            return new Outcome(null, ReadStatus.NOT_CONNECTED, e.getMessage());
        } catch (IOException e) {
            return new Outcome(null, ReadStatus.NOT_CONNECTED, e.getMessage());
        }
    }

    /** Our meter's reply to a read, or the first refusal, gathered while reading. */
    private final class Catch implements FrameDecoder.Listener {
        Frame reply;
        Dlt645Exception refusal;

        @Override
        public void frame(Frame f) {
            if (reply == null && Control.isReply(f.control()) && Control.function(f.control()) == Control.READ
                    && meter.matches(f.address())) {
                reply = f;
            }
        }

        @Override
        public void refused(Dlt645Exception reason, byte[] bytes) {
            // the first says what was wrong; later ones are the rescan of its bytes (its second 68 ...)
            if (refusal == null) {
                refusal = reason;
            }
        }
    }

    private Outcome exchange(SerialLine line, Frame request) throws IOException {
        byte[] wire = request.encode();
        long charNanos = bus.settings().charTimeNanos();
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L + wire.length * charNanos;
        long quietUntil = Math.min(bus.lastExchangeEnd() + GAP_CHARS * charNanos, start + timeoutMillis * 500_000L);
        long left = quietUntil - System.nanoTime();
        if (left > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
        line.discardInput();
        line.write(wire, 0, wire.length, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        decoder.reset();
        Catch c = new Catch();
        long received = 0;
        while (c.reply == null) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            int n = line.read(buf, 0, buf.length, Math.max(1, (deadline - now + 999_999L) / 1_000_000L));
            if (n > 0) {
                received += n;
                decoder.feed(buf, 0, n, c);
            }
        }
        if (c.reply == null) {
            decoder.endOfInput(c);
        }
        String who = "meter " + meter + " " + Dlt645.identifier(Dlt645.identifier(request.data(), 0));
        if (c.reply != null) {
            try {
                return new Outcome(Dlt645.readReply(request, c.reply), ReadStatus.OK, "");
            } catch (Dlt645Exception e) {
                ReadStatus st = e.reason() == Dlt645Exception.Reason.ERROR_REPLY ? ReadStatus.DEVICE_EXCEPTION : ReadStatus.MALFORMED;
                return new Outcome(null, st, who + ": " + e.getMessage());
            }
        }
        if (c.refusal != null) {
            ReadStatus st = c.refusal.reason() == Dlt645Exception.Reason.CHECKSUM ? ReadStatus.CRC_ERROR : ReadStatus.MALFORMED;
            return new Outcome(null, st, who + ": " + c.refusal.getMessage());
        }
        if (received > 0) {
            return new Outcome(null, ReadStatus.NOISE, who + ": " + received + " bytes and no reply within " + timeoutMillis + " ms");
        }
        return new Outcome(null, ReadStatus.TIMEOUT, who + ": no reply within " + timeoutMillis + " ms");
    }

    @Override
    public ChannelReading write(Channel channel, Object rawValue) {
        return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, "DL/T 645 channels are read only", System.currentTimeMillis());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
            onClosed.forEach(Runnable::run);
        }
    }

    @Override
    public String toString() {
        return "dlt645 " + deviceId + " meter " + meter + " on " + bus.settings();
    }
}
