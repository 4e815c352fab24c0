package org.tidegate.driver.gpio.internal;

import java.util.Locale;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.GpioAddress;

/**
 * A channel's GPIO settings, parsed and checked from {@link Channel#options()}.
 *
 * @param channel    the channel
 * @param line       BCM line
 * @param mode       input, counter or output
 * @param activeLow  logical true = low level on the pin
 * @param debounceMs debounce window for input and counter lines (0 = none)
 * @param pull       pull resistor for input and counter lines
 * @param mmPerTip   amount per counted pulse (counter)
 * @param report     what a counter channel reports
 * @param initial    logical state an output takes when opened
 */
record GpioChannelConfig(Channel channel, int line, GpioMode mode, boolean activeLow, long debounceMs, Pull pull,
                         double mmPerTip, CounterReport report, boolean initial) {

    static final long DEFAULT_DEBOUNCE_MS = 20;
    static final double DEFAULT_MM_PER_TIP = 0.5;

    /** Pull resistor setting. */
    enum Pull { UP, DOWN, NONE }

    /**
     * @throws IllegalArgumentException with a message naming the channel and the bad option
     */
    static GpioChannelConfig parse(Channel c) {
        String where = "channel " + c.id() + ": ";
        int line;
        try {
            line = GpioAddress.parse(c.address()).line();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        }
        GpioMode mode = parseMode(c, where);
        boolean activeLow = bool(c, "activeLow", false, where);
        long debounceMs = mode == GpioMode.OUTPUT ? 0 : longOption(c, "debounceMs", DEFAULT_DEBOUNCE_MS, where);
        if (debounceMs < 0 || debounceMs > 10_000) {
            throw new IllegalArgumentException(where + "debounceMs " + debounceMs + " out of range 0-10000");
        }
        Pull pull = parsePull(c, where);
        double mmPerTip = c.option("mmPerTip") == null ? DEFAULT_MM_PER_TIP : number(c, "mmPerTip", where);
        if (!(mmPerTip > 0) || Double.isInfinite(mmPerTip)) {
            throw new IllegalArgumentException(where + "mmPerTip must be a positive number, got " + c.option("mmPerTip"));
        }
        CounterReport report = parseReport(c, where);
        boolean initial = bool(c, "initial", false, where);
        switch (mode) {
            case INPUT, OUTPUT -> {
                if (c.type() != DataType.BOOL) {
                    throw new IllegalArgumentException(where + "mode " + name(mode) + " needs type bool, not " + c.type().configName());
                }
            }
            case COUNTER -> {
                if (!c.type().isNumeric()) {
                    throw new IllegalArgumentException(where + "mode counter needs a numeric type (float64 for mm, uint32 for tips), not " + c.type().configName());
                }
            }
        }
        if (mode != GpioMode.OUTPUT && c.access() == org.tidegate.core.model.Access.WRITE) {
            throw new IllegalArgumentException(where + "a write-only channel must have mode output, not " + name(mode));
        }
        return new GpioChannelConfig(c, line, mode, activeLow, debounceMs, pull, mmPerTip, report, initial);
    }

    private static GpioMode parseMode(Channel c, String where) {
        Object m = c.option("mode");
        if (m == null) {
            // No mode: a writable channel drives a relay, a read-only one is a contact.
            return c.access().writable() ? GpioMode.OUTPUT : GpioMode.INPUT;
        }
        return switch (m.toString().trim().toLowerCase(Locale.ROOT)) {
            case "input" -> GpioMode.INPUT;
            case "counter" -> GpioMode.COUNTER;
            case "output" -> GpioMode.OUTPUT;
            default -> throw new IllegalArgumentException(where + "unknown mode \"" + m + "\": expected input, counter or output");
        };
    }

    private static Pull parsePull(Channel c, String where) {
        Object p = c.option("pull");
        if (p == null) {
            return Pull.NONE;
        }
        return switch (p.toString().trim().toLowerCase(Locale.ROOT)) {
            case "up" -> Pull.UP;
            case "down" -> Pull.DOWN;
            case "none", "off" -> Pull.NONE;
            default -> throw new IllegalArgumentException(where + "unknown pull \"" + p + "\": expected up, down or none");
        };
    }

    private static CounterReport parseReport(Channel c, String where) {
        Object r = c.option("report");
        if (r == null) {
            return CounterReport.CUMULATIVE;
        }
        return switch (r.toString().trim().toLowerCase(Locale.ROOT)) {
            case "cumulative" -> CounterReport.CUMULATIVE;
            case "interval" -> CounterReport.INTERVAL;
            case "tips" -> CounterReport.TIPS;
            default -> throw new IllegalArgumentException(where + "unknown report \"" + r + "\": expected cumulative, interval or tips");
        };
    }

    private static boolean bool(Channel c, String key, boolean fallback, String where) {
        Object v = c.option(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException(where + key + " must be true or false, got \"" + v + "\"");
    }

    private static double number(Channel c, String key, String where) {
        Object v = c.option(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + key + " must be a number, got \"" + v + "\"");
        }
    }

    private static long longOption(Channel c, String key, long fallback, String where) {
        if (c.option(key) == null) {
            return fallback;
        }
        double d = number(c, key, where);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException(where + key + " must be a whole number, got " + c.option(key));
        }
        return (long) d;
    }

    static String name(GpioMode m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    /** Settings that every channel sharing a line must agree on. */
    String lineSettings() {
        return name(mode) + (activeLow ? " activeLow" : "") + " debounceMs=" + debounceMs + " pull=" + pull
                + (mode == GpioMode.OUTPUT ? " initial=" + initial : "");
    }
}
