package org.tidegate.driver.dlt645.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.log.RateLimitedLog;
import org.tidegate.core.model.Channel;
import org.tidegate.driver.dlt645.Dlt645Settings;
import org.tidegate.driver.dlt645.codec.Control;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.Dlt645Exception;
import org.tidegate.driver.dlt645.codec.Frame;
import org.tidegate.driver.dlt645.codec.FrameDecoder;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.dlt645.codec.MeterError;
import org.tidegate.driver.dlt645.codec.ReadReply;
import org.tidegate.driver.serial.ByteLine;
import org.tidegate.driver.serial.SilentDeviceBackoff;
import org.tidegate.driver.serial.WriteTimeoutException;
import org.tinylog.Logger;

/**
 * One meter on a shared bus. Every request is one exchange with the bus to itself (so meters and Modbus devices on
 * the same line take turns request by request, in arrival order), and nothing in it waits past one deadline
 * ({@code timeout} plus the request's wire time from the moment the bus is ours).
 *
 * <p>A poll reads each data identifier (or data block, {@link ReadPlan}) with the device's retries, follows
 * {@code B1}/{@code B2} replies with follow-up reads ({@code 12}) up to {@value #MAX_FOLLOW_UPS} frames, and turns a
 * {@code D1} error reply into {@link ReadStatus#DEVICE_EXCEPTION} with the decoded error word. A meter that does not
 * answer at all fails the rest of that poll without more requests, and after
 * {@value SilentDeviceBackoff#FAILED_POLLS_BEFORE_BACKOFF} such polls in a row it is asked less often and without
 * retries ({@link SilentDeviceBackoff}, the rule of every protocol on a shared line), so a dead meter takes little of
 * the bus from its neighbours.
 */
public final class Dlt645Session implements DeviceSession {
    /** Silence kept before a request, counted from the end of the bus's previous exchange: 20 character times. */
    private static final int GAP_CHARS = 20;
    /** Follow-up frames of one read at most; a meter that keeps saying "more" is refused. */
    static final int MAX_FOLLOW_UPS = 16;
    /** Fault lines: one per reason per device every minute after a burst of 3. */
    private static final RateLimitedLog LOG = new RateLimitedLog(1 / 60.0, 3);

    private final String deviceId;
    private final MeterAddress configured;
    private final MeterLink bus;
    private final long timeoutMillis;
    private final int attempts;
    private final Dlt645Settings settings;
    private final List<Runnable> onClosed = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();
    private final byte[] buf = new byte[256];
    private final Map<String, AtomicLong> faults = new ConcurrentHashMap<>();
    private final SilentDeviceBackoff<Failure> silent;
    private final Set<Integer> refusedBlocks = new HashSet<>();
    private final Map<Integer, ReadStatus> lastStatus = new HashMap<>();
    private volatile boolean closed;
    private MeterAddress meter;
    private List<Channel> plannedFor;
    private ReadPlan plan;
    private long lastSyncNanos;
    private boolean synced;

    Dlt645Session(String deviceId, Dlt645Settings settings, MeterLink bus, long timeoutMillis, int retries,
                  long pollIntervalMillis) {
        this.deviceId = deviceId;
        this.settings = settings;
        this.configured = settings.meter();
        this.meter = configured.equals(MeterAddress.WILDCARD) ? null : configured;
        this.bus = bus;
        this.timeoutMillis = timeoutMillis;
        this.attempts = 1 + Math.max(0, retries);
        this.silent = new SilentDeviceBackoff<>(pollIntervalMillis,
                () -> "device=" + deviceId + " meter=" + (meter == null ? configured : meter));
    }

    public void onClosed(Runnable r) {
        onClosed.add(r);
    }

    /** A request that got no usable answer. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final ReadStatus status;
        final transient Set<MeterError> errors;

        Failure(ReadStatus status, String message) {
            this(status, message, Set.of());
        }

        Failure(ReadStatus status, String message, Set<MeterError> errors) {
            super(message);
            this.status = status;
            this.errors = errors;
        }

        /** The meter is not there (no answer, no line): the rest of the poll would only wait the same way. */
        boolean deviceDown() {
            return status == ReadStatus.TIMEOUT || status == ReadStatus.NOT_CONNECTED || status == ReadStatus.NOISE;
        }
    }

    @Override
    public Map<String, Long> faultCounts() {
        Map<String, Long> m = new TreeMap<>();
        faults.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private void count(ReadStatus status) {
        faults.computeIfAbsent(status.name().toLowerCase(Locale.ROOT), k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public synchronized List<ChannelReading> read(List<Channel> channels) {
        if (plan == null || !channels.equals(plannedFor)) {
            plannedFor = List.copyOf(channels);
            plan = ReadPlan.of(plannedFor, settings.blockReads(), refusedBlocks);
        }
        ChannelReading[] out = new ChannelReading[channels.size()];
        plan.malformed().forEach((i, why) -> out[i] = ChannelReading.failed(channels.get(i), ReadStatus.UNSUPPORTED, why, now()));
        Failure down = null;
        long nowNanos = System.nanoTime();
        Failure last = silent.skipping(nowNanos);
        if (closed) {
            down = new Failure(ReadStatus.NOT_CONNECTED, "session closed");
        } else if (last != null) {
            down = new Failure(last.status, last.getMessage() + silent.note(nowNanos));
        }
        boolean skipped = down != null;
        int tries = silent.tries(attempts);
        boolean answered = false;
        Failure failure = null;
        if (down == null) {
            syncTimeIfDue();
            if (meter == null) {
                try {
                    meter = discover(tries);
                    answered = true;
                } catch (Failure f) {
                    count(f.status);
                    note(-1, f.status, f.getMessage());
                    down = f;
                    failure = f;
                }
            }
        }
        List<ReadPlan.Request> requests = plan.requests();
        for (int ri = 0; ri < requests.size(); ri++) {
            ReadPlan.Request r = requests.get(ri);
            if (down != null) {
                fail(out, r, down);
                continue;
            }
            try {
                byte[] value = readValue(r.identifier(), tries);
                answered = true;
                decode(out, r, value);
                note(r.identifier(), ReadStatus.OK, "");
            } catch (Failure f) {
                if (f.status == ReadStatus.DEVICE_EXCEPTION) {
                    answered = true;
                    if (r.block() != null && refusedBlocks.add(r.block().identifier())) {
                        // The meter has no block read for these items: read them one by one, from this poll on.
                        Logger.warn("device={} meter={} refused block {} ({}): reading its {} items one by one from now on",
                                deviceId, meter, Dlt645.identifier(r.identifier()), f.getMessage(), r.members().size());
                        plan = ReadPlan.of(plannedFor, settings.blockReads(), refusedBlocks);
                        List<ReadPlan.Request> rest = new ArrayList<>(requests.subList(ri + 1, requests.size()));
                        for (ReadPlan.Member m : r.members()) {
                            rest.add(0, new ReadPlan.Request(m.settings().dataIdentifier(), null, List.of(m)));
                        }
                        requests = rest;
                        ri = -1;
                        continue;
                    }
                }
                count(f.status);
                note(r.identifier(), f.status, f.getMessage());
                fail(out, r, f);
                if (failure == null && f.status != ReadStatus.DEVICE_EXCEPTION) {
                    failure = f;
                }
                if (f.deviceDown()) {
                    down = f;
                }
            }
        }
        if (!skipped) {
            silent.polled(answered, failure, failure == null ? null : failure.status);
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = ChannelReading.failed(channels.get(i), ReadStatus.IO_ERROR, "not read", now());
            }
        }
        return Arrays.asList(out);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private void decode(ChannelReading[] out, ReadPlan.Request r, byte[] value) {
        long t = now();
        for (ReadPlan.Member m : r.members()) {
            int n = m.settings().format().length();
            int at = r.block() == null ? 0 : r.block().index(m.settings().dataIdentifier()) * n;
            String what = "meter " + meter + " " + Dlt645.identifier(m.settings().dataIdentifier());
            try {
                if (r.block() == null && value.length != n) {
                    throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "value of " + value.length + " bytes, format "
                            + m.settings().format().pattern() + " has " + n);
                }
                if (at + n > value.length) {
                    throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "block " + Dlt645.identifier(r.identifier())
                            + " answered " + value.length + " bytes, the item needs bytes " + at + "-" + (at + n - 1));
                }
                double v = m.settings().format().decode(value, at).doubleValue();
                out[m.index()] = ChannelReading.ok(m.channel(), v, t);
            } catch (Dlt645Exception e) {
                count(ReadStatus.MALFORMED);
                note(m.settings().dataIdentifier(), ReadStatus.MALFORMED, what + ": " + e.getMessage());
                out[m.index()] = ChannelReading.failed(m.channel(), ReadStatus.MALFORMED, what + ": " + e.getMessage(), t);
            }
        }
    }

    private void fail(ChannelReading[] out, ReadPlan.Request r, Failure f) {
        long t = now();
        for (ReadPlan.Member m : r.members()) {
            out[m.index()] = ChannelReading.failed(m.channel(), f.status, f.getMessage(), t);
        }
    }

    /** The value bytes of one identifier, follow-up frames appended. */
    private byte[] readValue(int identifier, int tries) throws Failure {
        ReadReply reply = request(Dlt645.readRequest(meter, identifier), tries);
        if (!reply.followUp()) {
            return reply.value();
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.writeBytes(reply.value());
        for (int seq = 1; reply.followUp(); seq++) {
            if (seq > MAX_FOLLOW_UPS) {
                throw new Failure(ReadStatus.MALFORMED, "meter " + meter + " " + Dlt645.identifier(identifier)
                        + ": still more follow-up frames after " + MAX_FOLLOW_UPS);
            }
            reply = request(Dlt645.followUpRequest(meter, identifier, seq), tries);
            value.writeBytes(reply.value());
        }
        return value.toByteArray();
    }

    /** One read or follow-up read with up to {@code tries} attempts; a refusal by the meter is not retried. */
    private ReadReply request(Frame request, int tries) throws Failure {
        Failure last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            try {
                Frame reply = transact(request, Control.function(request.control()));
                return Dlt645.readReply(request, reply);
            } catch (Dlt645Exception e) {
                if (e.reason() == Dlt645Exception.Reason.ERROR_REPLY) {
                    throw new Failure(ReadStatus.DEVICE_EXCEPTION, who(request) + ": " + e.getMessage(), e.errors());
                }
                last = new Failure(ReadStatus.MALFORMED, who(request) + ": " + e.getMessage());
            } catch (Failure f) {
                if (f.status == ReadStatus.NOT_CONNECTED) {
                    throw f;
                }
                last = f;
            }
            if (attempt < tries) {
                Logger.debug("device={} meter={} attempt {}/{} failed: {}", deviceId, meter, attempt, tries, last.getMessage());
            }
        }
        throw last;
    }

    /** Asks the one meter on the line for its address (read address, wildcard). */
    private MeterAddress discover(int tries) throws Failure {
        Frame request = Dlt645.readAddressRequest();
        Failure last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            try {
                MeterAddress a = Dlt645.readAddressReply(transact(request, Control.function(Control.READ_ADDRESS)));
                Logger.info("device={} meter address {} (read address)", deviceId, a);
                return a;
            } catch (Dlt645Exception e) {
                last = new Failure(ReadStatus.MALFORMED, "read address: " + e.getMessage());
            } catch (Failure f) {
                last = f;
                if (f.status == ReadStatus.NOT_CONNECTED) {
                    break;
                }
            }
        }
        throw last;
    }

    /** Broadcasts the gateway's local time when due; meters do not answer it. */
    private void syncTimeIfDue() {
        int every = settings.timeSyncMinutes();
        long now = System.nanoTime();
        if (every <= 0 || synced && now - lastSyncNanos < every * 60_000_000_000L) {
            return;
        }
        Frame sync = Dlt645.timeSync(LocalDateTime.now());
        try {
            bus.exchange(line -> {
                byte[] wire = sync.encode(settings.preamble());
                waitForGap(System.nanoTime() + timeoutMillis * 1_000_000L);
                line.write(wire, 0, wire.length, timeoutMillis);
                return null;
            });
            synced = true;
            lastSyncNanos = now;
            Logger.debug("device={} broadcast time sync", deviceId);
        } catch (IOException e) {
            count(e instanceof WriteTimeoutException ? ReadStatus.TIMEOUT : ReadStatus.NOT_CONNECTED);
            LOG.warn(deviceId + "/sync", "device={} time sync not sent: {}", deviceId, e.getMessage());
        }
    }

    /** What the reply collector accepts: the reply function to our request from our meter. */
    private final class Catch implements FrameDecoder.Listener {
        final int function;
        Frame reply;
        Dlt645Exception refusal;

        Catch(int function) {
            this.function = function;
        }

        @Override
        public void frame(Frame f) {
            if (reply == null && Control.isReply(f.control()) && Control.function(f.control()) == function
                    && (function == Control.READ_ADDRESS || meter.matches(f.address()))) {
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

    private Frame transact(Frame request, int function) throws Failure {
        try {
            return bus.exchange(line -> exchange(line, request, function));
        } catch (WriteTimeoutException e) {
            // the link took no more bytes: the meter (or its serial server) is there but stuck, a timeout
            throw new Failure(ReadStatus.TIMEOUT, who(request) + ": " + e.getMessage());
        } catch (IOException e) {
            throw new Failure(ReadStatus.NOT_CONNECTED, e.getMessage());
        } catch (FailureCarrier c) {
            throw c.failure;
        }
    }

    /** Carries a {@link Failure} out of a bus exchange without closing the line (only an IOException does). */
    private static final class FailureCarrier extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Failure failure;

        FailureCarrier(Failure failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private void waitForGap(long deadline) {
        long charNanos = bus.charTimeNanos();
        long quietUntil = Math.min(bus.lastExchangeEnd() + GAP_CHARS * charNanos, deadline);
        long left = quietUntil - System.nanoTime();
        if (left > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private Frame exchange(ByteLine line, Frame request, int function) throws IOException {
        byte[] wire = request.encode(settings.preamble());
        long charNanos = bus.charTimeNanos();
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L + wire.length * charNanos;
        waitForGap(start + timeoutMillis * 500_000L);
        line.discardInput();
        line.write(wire, 0, wire.length, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        decoder.reset();
        Catch c = new Catch(function);
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
        if (c.reply != null) {
            return c.reply;
        }
        String who = who(request);
        if (c.refusal != null) {
            ReadStatus st = c.refusal.reason() == Dlt645Exception.Reason.CHECKSUM ? ReadStatus.CRC_ERROR : ReadStatus.MALFORMED;
            throw new FailureCarrier(new Failure(st, who + ": " + c.refusal.getMessage()));
        }
        if (received > 0) {
            throw new FailureCarrier(new Failure(ReadStatus.NOISE, who + ": " + received + " bytes and no reply within " + timeoutMillis + " ms"));
        }
        throw new FailureCarrier(new Failure(ReadStatus.TIMEOUT, who + ": no reply within " + timeoutMillis + " ms"));
    }

    private String who(Frame request) {
        if (request.control() == Control.READ_ADDRESS) {
            return "read address";
        }
        String what = "meter " + request.address() + " " + Dlt645.identifier(Dlt645.identifier(request.data(), 0));
        return request.control() == Control.READ_FOLLOW_UP ? what + " follow-up " + (request.data()[4] & 0xFF) : what;
    }

    /** Logs a request's status when it changes, rate-limited per device and reason. */
    private void note(int identifier, ReadStatus status, String detail) {
        ReadStatus before = lastStatus.put(identifier, status);
        if (before == status) {
            return;
        }
        String st = status.name().toLowerCase(Locale.ROOT);
        if (status == ReadStatus.OK) {
            if (before != null) {
                Logger.info("device={} meter={} {} ok again on {}", deviceId, meter, Dlt645.identifier(identifier), bus.describe());
            }
        } else {
            LOG.warn(deviceId + "/" + st, "device={} meter={} {}: {} on {}", deviceId, meter == null ? configured : meter, st,
                    detail, bus.describe());
        }
    }

    @Override
    public ChannelReading write(Channel channel, Object rawValue) {
        return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, "DL/T 645 channels are read only", now());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        bus.release();
        onClosed.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "dlt645 " + deviceId + " meter " + configured + " on " + bus.describe();
    }
}
