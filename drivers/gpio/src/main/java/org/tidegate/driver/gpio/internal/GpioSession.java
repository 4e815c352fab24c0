package org.tidegate.driver.gpio.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;
import org.tinylog.Logger;

/**
 * A device's open GPIO lines. Pulses are counted by the pin listeners, not here: a read only takes the counter
 * (and, for interval channels, moves that channel's baseline), so polling never races a pulse away.
 */
final class GpioSession implements DeviceSession {
    private final GpioDriver driver;
    private final Device device;
    private final GpioBackend.Kind kind;
    private final Map<String, GpioChannelSettings> channels;
    private final Map<Integer, InputLine> inputs;
    private final Map<Integer, OutputLine> outputs;
    /** Pulse count at each interval channel's previous poll; channels sharing a line share its pulses. */
    private final Map<String, Long> intervalBase = new HashMap<>();
    private volatile boolean closed;

    GpioSession(GpioDriver driver, Device device, GpioBackend.Kind kind, Map<String, GpioChannelSettings> channels,
                Map<Integer, InputLine> inputs, Map<Integer, OutputLine> outputs) {
        this.driver = driver;
        this.device = device;
        this.kind = kind;
        this.channels = channels;
        this.inputs = inputs;
        this.outputs = outputs;
        channels.forEach((id, c) -> {
            if (c.mode() == GpioMode.COUNTER && c.report() == CounterReport.INTERVAL) {
                intervalBase.put(id, 0L);
            }
        });
    }

    Device device() {
        return device;
    }

    GpioBackend.Kind kind() {
        return kind;
    }

    Map<Integer, InputLine> inputs() {
        return inputs;
    }

    Map<Integer, OutputLine> outputs() {
        return outputs;
    }

    @Override
    public List<ChannelReading> read(List<Channel> wanted) {
        List<ChannelReading> out = new ArrayList<>(wanted.size());
        for (Channel c : wanted) {
            out.add(readOne(c));
        }
        return out;
    }

    /** Why channel {@code c} (its settings {@code cfg}, null if not this device's) cannot be used now, or null. */
    private ChannelReading refused(Channel c, GpioChannelSettings cfg, long now) {
        if (closed) {
            return ChannelReading.failed(c, ReadStatus.NOT_CONNECTED, "session closed", now);
        }
        if (cfg == null) {
            return ChannelReading.failed(c, ReadStatus.UNSUPPORTED, "not a channel of device " + device.id(), now);
        }
        return null;
    }

    private ChannelReading readOne(Channel c) {
        long now = System.currentTimeMillis();
        GpioChannelSettings cfg = channels.get(c.id());
        ChannelReading refused = refused(c, cfg, now);
        if (refused != null) {
            return refused;
        }
        try {
            return switch (cfg.mode()) {
                case INPUT -> ChannelReading.ok(c, inputs.get(cfg.line()).readActive(), now);
                case OUTPUT -> ChannelReading.ok(c, outputs.get(cfg.line()).isOn(), now);
                case COUNTER -> ChannelReading.ok(c, counterValue(c.id(), cfg, inputs.get(cfg.line()).pulses()), now);
            };
        } catch (RuntimeException e) {
            Logger.warn("device={} channel={} gpio read failed: {}", device.id(), c.id(), e.toString());
            return ChannelReading.failed(c, ReadStatus.IO_ERROR, e.toString(), now);
        }
    }

    private Object counterValue(String channel, GpioChannelSettings cfg, long pulses) {
        return switch (cfg.report()) {
            case TIPS -> pulses;
            case CUMULATIVE -> pulses * cfg.mmPerTip();
            case INTERVAL -> {
                long since;
                synchronized (intervalBase) {
                    since = pulses - intervalBase.getOrDefault(channel, 0L);
                    intervalBase.put(channel, pulses);
                }
                yield since * cfg.mmPerTip();
            }
        };
    }

    @Override
    public ChannelReading write(Channel c, Object rawValue) {
        long now = System.currentTimeMillis();
        GpioChannelSettings cfg = channels.get(c.id());
        ChannelReading refused = refused(c, cfg, now);
        if (refused != null) {
            return refused;
        }
        if (cfg.mode() != GpioMode.OUTPUT) {
            return ChannelReading.failed(c, ReadStatus.UNSUPPORTED,
                    "channel " + c.id() + " is an " + GpioChannelSettings.name(cfg.mode()) + " (gpio:" + cfg.line()
                            + "); only mode=output channels can be written", now);
        }
        Boolean on = toBoolean(rawValue);
        if (on == null) {
            return ChannelReading.failed(c, ReadStatus.UNSUPPORTED,
                    "channel " + c.id() + " takes true/false (or 1/0), got " + rawValue, now);
        }
        try {
            OutputLine line = outputs.get(cfg.line());
            line.set(on);
            boolean back = line.isOn();
            if (back != on) {
                return ChannelReading.failed(c, ReadStatus.IO_ERROR, "set " + on + " but the line reads back " + back, now);
            }
            Logger.info("device={} channel={} gpio:{} set {}", device.id(), c.id(), cfg.line(), on ? "on" : "off");
            return ChannelReading.ok(c, back, now);
        } catch (RuntimeException e) {
            Logger.warn("device={} channel={} gpio write failed: {}", device.id(), c.id(), e.toString());
            return ChannelReading.failed(c, ReadStatus.IO_ERROR, e.toString(), now);
        }
    }

    static Boolean toBoolean(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == 0 ? Boolean.FALSE : d == 1 ? Boolean.TRUE : null;
        }
        if (v instanceof String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "on", "1" -> Boolean.TRUE;
                case "false", "off", "0" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        driver.release(this);
    }
}
