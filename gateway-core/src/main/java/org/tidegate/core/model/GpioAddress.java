package org.tidegate.core.model;

/**
 * A GPIO channel address: {@code gpio:N} with N the BCM line number (0–63) on the default chip.
 *
 * @param line BCM line number
 */
public record GpioAddress(int line) {

    public static GpioAddress parse(String text) {
        if (text == null || !text.trim().toLowerCase(java.util.Locale.ROOT).startsWith("gpio:")) {
            throw new IllegalArgumentException("\"" + text + "\" is not a GPIO address: expected gpio:N with N the BCM line number");
        }
        String n = text.trim().substring(5);
        try {
            int line = Integer.parseInt(n);
            if (line < 0 || line > 63) {
                throw new IllegalArgumentException("GPIO line " + line + " out of range 0-63");
            }
            return new GpioAddress(line);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPIO line \"" + n + "\" is not a number");
        }
    }

    @Override
    public String toString() {
        return "gpio:" + line;
    }
}
