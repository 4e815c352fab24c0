package org.tidegate.driver.modbus.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.ModbusAddress.Table;
import org.tidegate.driver.modbus.ModbusChannelSettings;
import org.tidegate.driver.modbus.codec.ExceptionCode;
import org.tidegate.driver.modbus.codec.FrameException;
import org.tidegate.driver.modbus.codec.Pdu;
import org.tidegate.driver.modbus.codec.ValueCodec;
import org.tidegate.driver.modbus.codec.ValueFormat;
import org.tidegate.driver.serial.SilentDeviceBackoff;
import org.tinylog.Logger;

/**
 * One device's reads and writes: plans blocks (cached per channel list), runs each with the device's timeout and
 * retries, and turns every outcome into per-channel readings. Once the device fails to answer at all (timeout,
 * no connection), the rest of that poll's blocks are not tried, so a dead device costs one timeout per attempt,
 * not one per block.
 */
public final class ModbusSession implements DeviceSession {
    private final String device;
    private final int unit;
    private final ModbusTransport transport;
    private final long timeoutMillis;
    private final int attempts;
    private final BlockPlanner.Limits limits;
    private final Runnable onClose;
    private final Map<BlockPlanner.Block, ReadStatus> lastBlockStatus = new IdentityHashMap<>();
    private List<Channel> plannedFor;
    private List<Channel> lastList;
    /** The plan's blocks, possibly split further when the device refused a merged read. */
    private List<BlockPlanner.Block> blocks;
    private String[] unsupportedByIndex;
    private BlockPlanner.Plan plan;
    private boolean closed;
    private volatile Runnable onClosed = () -> { };

    /** Failed requests by reason, for the device's health; read by other threads. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> faults = new java.util.concurrent.ConcurrentHashMap<>();
    private final FaultLog log;
    /**
     * A device on a shared bus whose polls keep failing (no answer at all: timeout, noise, CRC errors) is asked
     * less often, so that it takes less of the bus from its neighbours (a TCP device blocks only its own thread, and
     * is not backed off).
     */
    private final SilentDeviceBackoff<TransportException> silent;

    public ModbusSession(String device, int unit, ModbusTransport transport, long timeoutMillis, int retries,
                         BlockPlanner.Limits limits, Runnable onClose) {
        this(device, unit, transport, timeoutMillis, retries, limits, onClose, 1000);
    }

    /** @param pollIntervalMillis the device's poll interval: the back-off of a failing device starts there */
    public ModbusSession(String device, int unit, ModbusTransport transport, long timeoutMillis, int retries,
                         BlockPlanner.Limits limits, Runnable onClose, long pollIntervalMillis) {
        this.device = device;
        this.unit = unit;
        this.transport = transport;
        this.timeoutMillis = timeoutMillis;
        this.attempts = 1 + Math.max(0, retries);
        this.limits = limits;
        this.onClose = onClose;
        this.silent = new SilentDeviceBackoff<>(pollIntervalMillis, () -> "device=" + device + " unit=" + unit);
        this.log = new FaultLog(device, FaultLog.DEFAULT_INTERVAL_MS);
    }

    @Override
    public Map<String, Long> faultCounts() {
        Map<String, Long> m = new java.util.TreeMap<>();
        faults.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    private void count(ReadStatus status) {
        faults.computeIfAbsent(status.name().toLowerCase(java.util.Locale.ROOT), k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
    }

    /** The blocks the last read used (for tests and diagnostics). */
    public synchronized BlockPlanner.Plan plan() {
        return plan == null ? null : new BlockPlanner.Plan(List.copyOf(blocks), plan.unsupported());
    }

    @Override
    public synchronized List<ChannelReading> read(List<Channel> channels) {
        if (plan == null || !samePlanInput(channels)) {
            plannedFor = List.copyOf(channels);
            plan = BlockPlanner.plan(plannedFor, limits);
            blocks = new java.util.ArrayList<>(plan.blocks());
            lastBlockStatus.clear();
            unsupportedByIndex = new String[plannedFor.size()];
            for (int i = 0; i < plannedFor.size(); i++) {
                unsupportedByIndex[i] = plan.unsupported().get(plannedFor.get(i));
            }
            plan.unsupported().forEach((c, why) -> Logger.warn("device={} channel={} cannot be read: {}", device, c.id(), why));
            Logger.debug("device={} reads {} channels in {} requests", device, channels.size(), plan.blocks().size());
        }
        lastList = channels;
        ChannelReading[] out = new ChannelReading[channels.size()];
        for (int i = 0; i < out.length; i++) {
            if (unsupportedByIndex[i] != null) {
                out[i] = ChannelReading.failed(channels.get(i), ReadStatus.UNSUPPORTED, unsupportedByIndex[i], System.currentTimeMillis());
            }
        }
        TransportException deviceDown = null;
        long nowNanos = System.nanoTime();
        TransportException last = silent.skipping(nowNanos);
        if (last != null && !closed) {
            // Not this poll: the channels keep the reason of the last failure; the bus is left to the others.
            deviceDown = new TransportException(last.status(), last.getMessage() + silent.note(nowNanos));
        }
        boolean skipped = deviceDown != null;
        boolean answered = false;
        TransportException failure = null;
        int tries = silent.tries(attempts);
        for (int bi = 0; bi < blocks.size(); bi++) {
            BlockPlanner.Block b = blocks.get(bi);
            if (closed) {
                deviceDown = new TransportException(ReadStatus.NOT_CONNECTED, "session closed");
            }
            if (deviceDown != null) {
                fail(out, b, deviceDown.status(), deviceDown.getMessage());
                continue;
            }
            byte[] request = Pdu.readRequest(b.function(), b.start(), b.count());
            try {
                byte[] response = exchange(request, tries);
                decode(out, b, response, System.currentTimeMillis());
                noteBlock(b, ReadStatus.OK, "");
                answered = true;
            } catch (TransportException e) {
                if (e.status() == ReadStatus.DEVICE_EXCEPTION) {
                    answered = true;
                }
                if (e.exceptionCode() == ExceptionCode.ILLEGAL_DATA_ADDRESS) {
                    List<BlockPlanner.Block> parts = BlockPlanner.splitAtGaps(b, limits);
                    if (parts.size() > 1) {
                        // The device has holes in its map: read around them from now on, starting with this poll.
                        Logger.warn("device={} unit={} refused fc={} addr={} count={} ({}): reading it as {} gap-free requests from now on",
                                device, unit, b.function(), b.start(), b.count(), e.getMessage(), parts.size());
                        blocks.remove(bi);
                        blocks.addAll(bi, parts);
                        bi--;
                        continue;
                    }
                }
                fail(out, b, e.status(), e.getMessage());
                count(e.status());
                noteBlock(b, e.status(), e.getMessage());
                if (failure == null && e.status() != ReadStatus.DEVICE_EXCEPTION && e.status() != ReadStatus.UNSUPPORTED) {
                    failure = e;
                }
                if (e.status() == ReadStatus.TIMEOUT || e.status() == ReadStatus.NOT_CONNECTED || e.status() == ReadStatus.NOISE) {
                    deviceDown = e;
                }
            }
        }
        if (!skipped && (answered || failure == null || transport.shared())) {
            silent.polled(answered, failure, failure == null ? null : failure.status());
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = ChannelReading.failed(channels.get(i), ReadStatus.IO_ERROR, "not read", System.currentTimeMillis());
            }
        }
        return java.util.Arrays.asList(out);
    }

    /**
     * Whether the cached plan still fits. The poller passes the same immutable list every time, so identity
     * (checked element by element, which is cheap) avoids comparing channel records on every poll.
     */
    private boolean samePlanInput(List<Channel> channels) {
        if (channels.size() != plannedFor.size()) {
            return false;
        }
        if (channels == lastList) {
            for (int i = 0; i < channels.size(); i++) {
                if (channels.get(i) != plannedFor.get(i)) {
                    return channels.equals(plannedFor);
                }
            }
            return true;
        }
        return channels.equals(plannedFor);
    }

    private void decode(ChannelReading[] out, BlockPlanner.Block b, byte[] response, long now) {
        if (b.table().isRegister()) {
            int[] regs = Pdu.registers(response);
            for (BlockPlanner.Planned p : b.members()) {
                Object v = ValueCodec.decode(p.format(), regs, p.address().offset() - b.start());
                out[p.index()] = ChannelReading.ok(p.channel(), v, now);
            }
        } else {
            boolean[] bits = Pdu.bits(response, b.count());
            for (BlockPlanner.Planned p : b.members()) {
                out[p.index()] = ChannelReading.ok(p.channel(), bits[p.address().offset() - b.start()], now);
            }
        }
    }

    /** One request with the device's retries; the response is checked against the request. */
    private byte[] exchange(byte[] request) throws TransportException {
        return exchange(request, attempts, false);
    }

    private byte[] exchange(byte[] request, int attempts) throws TransportException {
        return exchange(request, attempts, false);
    }

    private byte[] exchange(byte[] request, int attempts, boolean urgent) throws TransportException {
        TransportException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                byte[] response = transport.transact(unit, request, timeoutMillis, urgent);
                Pdu.check(request, response);
                return response;
            } catch (FrameException e) {
                if (e.kind() == FrameException.Kind.EXCEPTION_RESPONSE) {
                    throw new TransportException(ReadStatus.DEVICE_EXCEPTION, e.getMessage(), e.exceptionCode());
                }
                last = new TransportException(e.kind() == FrameException.Kind.CRC ? ReadStatus.CRC_ERROR : ReadStatus.MALFORMED, e.getMessage());
            } catch (TransportException e) {
                last = e;
                if (!e.retryable()) {
                    throw e;
                }
            }
            if (attempt < attempts) {
                Logger.debug("device={} unit={} attempt {}/{} failed: {}", device, unit, attempt, attempts, last.getMessage());
            }
        }
        throw last;
    }

    private void fail(ChannelReading[] out, BlockPlanner.Block b, ReadStatus status, String detail) {
        long now = System.currentTimeMillis();
        for (BlockPlanner.Planned p : b.members()) {
            out[p.index()] = ChannelReading.failed(p.channel(), status, detail, now);
        }
    }

    /**
     * Logs a block's status when it changes (one line when a device dies, one when it is back), at most one line
     * per reason per {@link FaultLog} interval: a flapping block (a noisy line) gives one line per reason per
     * interval with the number of failures not logged since.
     */
    private void noteBlock(BlockPlanner.Block b, ReadStatus status, String detail) {
        ReadStatus before = lastBlockStatus.put(b, status);
        if (status != ReadStatus.OK) {
            log.failed(status);
        }
        if (before == status) {
            return;
        }
        String channels = b.members().size() == 1 ? b.members().get(0).channel().id()
                : b.members().get(0).channel().id() + ".." + b.members().get(b.members().size() - 1).channel().id();
        if (status == ReadStatus.OK) {
            if (before != null && log.mayLog(ReadStatus.OK)) {
                Logger.info("device={} unit={} fc={} addr={} count={} channels={} ok again via {}", device, unit,
                        b.function(), b.start(), b.count(), channels, transport.describe());
            }
        } else if (log.mayLog(status)) {
            Logger.warn("device={} unit={} fc={} addr={} count={} channels={} {}: {} via {}{}", device, unit, b.function(),
                    b.start(), b.count(), channels, status.name().toLowerCase(java.util.Locale.ROOT), detail, transport.describe(),
                    log.suppressedNote(status));
        }
    }

    @Override
    public synchronized ChannelReading write(Channel channel, Object rawValue) {
        long now = System.currentTimeMillis();
        BlockPlanner.Planned p;
        try {
            p = BlockPlanner.prepare(channel);
        } catch (IllegalArgumentException e) {
            return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, e.getMessage(), now);
        }
        if (!channel.access().writable()) {
            return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, "channel is read-only", now);
        }
        boolean multiple = channel.settings() instanceof ModbusChannelSettings m && m.writeMultiple();
        byte[] request;
        try {
            Table t = p.address().table();
            if (t == Table.COIL) {
                boolean on = ValueCodec.coilValue(rawValue);
                request = multiple ? Pdu.writeMultipleCoils(p.address().offset(), new boolean[] {on})
                        : Pdu.writeSingleCoil(p.address().offset(), on);
            } else if (t == Table.HOLDING_REGISTER) {
                if (p.address().bit() >= 0) {
                    return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED,
                            "writing one bit of a register is not supported (it would need a read-modify-write)", now);
                }
                int[] regs = ValueCodec.encode(p.format(), rawValue);
                request = regs.length == 1 && !multiple ? Pdu.writeSingleRegister(p.address().offset(), regs[0])
                        : Pdu.writeMultipleRegisters(p.address().offset(), regs);
            } else {
                return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, p.address().table().prefix() + " is read-only in Modbus", now);
            }
        } catch (IllegalArgumentException e) {
            return ChannelReading.failed(channel, ReadStatus.UNSUPPORTED, "value " + rawValue + ": " + e.getMessage(), now);
        }
        try {
            // Writes (local actions, commands) go before the polls waiting for a shared bus.
            exchange(request, attempts, true);
            return ChannelReading.ok(channel, rawValue, System.currentTimeMillis());
        } catch (TransportException e) {
            count(e.status());
            Logger.warn("device={} unit={} channel={} write failed: {}: {}", device, unit, channel.id(),
                    e.status().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
            return ChannelReading.failed(channel, e.status(), e.getMessage(), System.currentTimeMillis());
        }
    }

    /** Also run once when the session closes (the driver's bookkeeping). */
    public void onClosed(Runnable r) {
        this.onClosed = r;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            transport.close();
            onClose.run();
            onClosed.run();
        }
    }
}
