package org.tidegate.driver.gpio.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.config.ChannelSpec;
import org.tidegate.core.config.CommonKeys;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.DeviceSettings;
import org.tidegate.core.model.GpioAddress;

/**
 * The configuration of a {@code gpio} device, the one place that knows it ({@code tidegate validate} and the
 * running gateway use it alike).
 *
 * <ul>
 *   <li>{@code connection}: {@code transport} (optional, must be {@code gpio}), {@code provider} ({@code auto},
 *       {@code mock} or {@code real}; absent: the driver's configured default). No device {@code options}.</li>
 *   <li>channels: {@code address} {@code gpio:N} (required); {@code mode} {@code input}, {@code counter} or
 *       {@code output} — <b>absent: output when {@code access} is write or readwrite, else input</b>;
 *       {@code access} (default readwrite for outputs, read otherwise; only outputs may be writable);
 *       {@code type} (default bool, float64 for counters; inputs and outputs bool, counters numeric);
 *       {@code activeLow} (false); inputs and counters: {@code debounceMs} (0–10000, default 20), {@code pull}
 *       ({@code up}/{@code down}/{@code none}, default none); counters: {@code mmPerTip} (&gt; 0, default 0.5),
 *       {@code report} ({@code cumulative}/{@code interval}/{@code tips}, default cumulative); outputs:
 *       {@code initial} (false). A key of another mode is refused.</li>
 *   <li>channels on one line must agree on mode, activeLow, debounceMs, pull and initial.</li>
 * </ul>
 */
public final class GpioSchema implements DriverSchema {
    private static final List<String> MODES = List.of("input", "counter", "output");
    private static final List<String> PROVIDERS = List.of("auto", "mock", "real");
    /** Which mode-specific keys apply to which modes. */
    private static final Map<String, List<GpioMode>> MODE_KEYS = new LinkedHashMap<>();

    static {
        MODE_KEYS.put("debounceMs", List.of(GpioMode.INPUT, GpioMode.COUNTER));
        MODE_KEYS.put("pull", List.of(GpioMode.INPUT, GpioMode.COUNTER));
        MODE_KEYS.put("mmPerTip", List.of(GpioMode.COUNTER));
        MODE_KEYS.put("report", List.of(GpioMode.COUNTER));
        MODE_KEYS.put("initial", List.of(GpioMode.OUTPUT));
    }

    @Override
    public String protocol() {
        return GpioDriver.PROTOCOL;
    }

    @Override
    public DeviceSettings device(ConfigNode connection, ConfigNode options) {
        connection.choice("transport", List.of(GpioDriver.PROTOCOL), GpioDriver.PROTOCOL);
        String provider = choice(connection, "provider", PROVIDERS, null);
        return new GpioDeviceSettings(provider);
    }

    @Override
    public ChannelSpec channel(ConfigNode c, DeviceSettings device) {
        String address = c.string("address", true, "");
        int line = 0;
        if (!address.isBlank()) {
            try {
                line = GpioAddress.parse(address).line();
            } catch (IllegalArgumentException e) {
                c.child("address").error(e.getMessage());
            }
        }
        Access access = CommonKeys.access(c);
        String modeName = choice(c, "mode", MODES, null);
        // The one rule for a channel without mode: a writable channel drives a relay, a read-only one is a contact.
        GpioMode mode = modeName != null ? GpioMode.valueOf(modeName.toUpperCase(Locale.ROOT))
                : access != null && access.writable() ? GpioMode.OUTPUT : GpioMode.INPUT;
        if (access == null) {
            access = mode == GpioMode.OUTPUT ? Access.READ_WRITE : Access.READ;
        } else if (access.writable() && mode != GpioMode.OUTPUT) {
            c.child("access").error("only a GPIO output channel (mode: output) can be written; this one is "
                    + GpioChannelSettings.name(mode));
        }
        DataType type = CommonKeys.dataType(c, mode == GpioMode.COUNTER ? DataType.FLOAT64 : DataType.BOOL);
        if (mode == GpioMode.COUNTER && !type.isNumeric()) {
            c.child("type").error("mode counter needs a numeric type (float64 for mm, uint32 for tips), not "
                    + type.configName());
        } else if (mode != GpioMode.COUNTER && type != DataType.BOOL) {
            c.child("type").error("mode " + GpioChannelSettings.name(mode) + " needs type bool, not " + type.configName());
        }
        boolean activeLow = c.bool("activeLow", false);
        boolean modeUnknown = modeName == null && c.child("mode").present();
        for (Map.Entry<String, List<GpioMode>> k : MODE_KEYS.entrySet()) {
            if (modeUnknown) {
                c.known(k.getKey()); // the mode is wrong: which keys belong is not known
            } else if (!k.getValue().contains(mode) && c.child(k.getKey()).present()) {
                c.child(k.getKey()).error("applies only to " + names(k.getValue()) + " channels; this one is "
                        + GpioChannelSettings.name(mode) + (modeName == null ? " (no mode given)" : ""));
            }
        }
        long debounceMs = 0;
        GpioChannelSettings.Pull pull = GpioChannelSettings.Pull.NONE;
        if (mode != GpioMode.OUTPUT) {
            debounceMs = c.integer("debounceMs", 0, 10_000, GpioChannelSettings.DEFAULT_DEBOUNCE_MS, false);
            String p = choice(c, "pull", List.of("up", "down", "none"), "none");
            pull = GpioChannelSettings.Pull.valueOf(p.toUpperCase(Locale.ROOT));
        }
        double mmPerTip = GpioChannelSettings.DEFAULT_MM_PER_TIP;
        CounterReport report = CounterReport.CUMULATIVE;
        if (mode == GpioMode.COUNTER) {
            mmPerTip = c.number("mmPerTip", GpioChannelSettings.DEFAULT_MM_PER_TIP);
            if (!(mmPerTip > 0)) {
                c.child("mmPerTip").error("mmPerTip must be a positive number, got " + c.child("mmPerTip").json());
                mmPerTip = GpioChannelSettings.DEFAULT_MM_PER_TIP;
            }
            String r = choice(c, "report", List.of("cumulative", "interval", "tips"), "cumulative");
            report = CounterReport.valueOf(r.toUpperCase(Locale.ROOT));
        }
        boolean initial = mode == GpioMode.OUTPUT && c.bool("initial", false);
        return new ChannelSpec(address, type, null, null, 0, access,
                new GpioChannelSettings(line, mode, activeLow, debounceMs, pull, mmPerTip, report, initial));
    }

    @Override
    public void checkChannels(DeviceSettings device, List<Channel> channels, ConfigNode channelsNode) {
        // Channel i of the list is the i-th object element (DeviceSchema skips elements that are not objects).
        List<ConfigNode> nodes = new ArrayList<>();
        for (int i = 0; i < channelsNode.size(); i++) {
            ConfigNode n = channelsNode.element(i);
            if (n.present() && n.json().isObject()) {
                nodes.add(n);
            }
        }
        Map<Integer, Integer> firstOnLine = new LinkedHashMap<>();
        for (int i = 0; i < channels.size() && i < nodes.size(); i++) {
            if (!(channels.get(i).settings() instanceof GpioChannelSettings s)) {
                continue;
            }
            Integer first = firstOnLine.putIfAbsent(s.line(), i);
            if (first == null) {
                continue;
            }
            Channel a = channels.get(first);
            GpioChannelSettings sa = (GpioChannelSettings) a.settings();
            if (!sa.lineSettings().equals(s.lineSettings())) {
                nodes.get(i).error("channels " + a.id() + " (" + sa.lineSettings() + ") and " + channels.get(i).id()
                        + " (" + s.lineSettings() + ") share gpio:" + s.line() + " but disagree; channels on one line"
                        + " need the same mode, activeLow, debounceMs, pull and initial");
            }
        }
    }

    /** {@link ConfigNode#choice}, the one spelling of "not one of" everywhere; {@code pull} also takes "off" for none. */
    private static String choice(ConfigNode c, String key, List<String> allowed, String fallback) {
        ConfigNode n = c.child(key);
        if (key.equals("pull") && n.present() && n.json().isTextual() && n.json().asText().trim().equalsIgnoreCase("off")) {
            return "none";
        }
        return c.choice(key, allowed, fallback);
    }

    private static String names(List<GpioMode> modes) {
        List<String> out = new ArrayList<>();
        modes.forEach(m -> out.add(GpioChannelSettings.name(m)));
        return String.join(" and ", out);
    }
}
