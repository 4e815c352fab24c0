package org.tidegate.driver.gpio.internal;

import java.util.Locale;
import org.tidegate.core.model.ChannelSettings;

/**
 * A GPIO channel's settings as {@link GpioSchema} reads them.
 *
 * @param line       BCM line
 * @param mode       input, counter or output
 * @param activeLow  logical true = low level on the pin
 * @param debounceMs debounce window for input and counter lines (0 = none; always 0 for outputs)
 * @param pull       pull resistor for input and counter lines (NONE for outputs)
 * @param mmPerTip   amount per counted pulse (counter)
 * @param report     what a counter channel reports
 * @param initial    logical state an output takes when opened (false for inputs and counters)
 */
public record GpioChannelSettings(int line, GpioMode mode, boolean activeLow, long debounceMs, Pull pull,
                                  double mmPerTip, CounterReport report, boolean initial) implements ChannelSettings {

    public static final long DEFAULT_DEBOUNCE_MS = 20;
    public static final double DEFAULT_MM_PER_TIP = 0.5;

    /** Pull resistor setting. */
    public enum Pull { UP, DOWN, NONE }

    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Settings that every channel sharing a line must agree on (they share one pin and one pulse counter). */
    public String lineSettings() {
        return name(mode) + (activeLow ? " activeLow" : "") + " debounceMs=" + debounceMs + " pull=" + name(pull)
                + (mode == GpioMode.OUTPUT ? " initial=" + initial : "");
    }
}
