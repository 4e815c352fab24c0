package org.tidegate.driver.serial;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to open a serial line.
 *
 * @param port     device path, e.g. {@code /dev/ttyUSB0} or a socat pty link
 * @param baud     bits per second
 * @param parity   parity bit
 * @param dataBits 5–8
 * @param stopBits 1 or 2
 */
public record SerialSettings(String port, int baud, Parity parity, int dataBits, int stopBits) {

    public enum Parity {
        NONE, EVEN, ODD;

        public static Parity parse(String s) {
            if (s == null || s.isBlank()) {
                return NONE;
            }
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "none", "n" -> NONE;
                case "even", "e" -> EVEN;
                case "odd", "o" -> ODD;
                default -> throw new IllegalArgumentException("parity \"" + s + "\" is not one of none, even, odd");
            };
        }
    }

    public SerialSettings {
        Objects.requireNonNull(port, "port");
        if (port.isBlank()) {
            throw new IllegalArgumentException("serial port path is empty");
        }
        if (baud <= 0) {
            throw new IllegalArgumentException("baud rate must be positive, got " + baud);
        }
        parity = parity == null ? Parity.NONE : parity;
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("dataBits must be 5-8, got " + dataBits);
        }
        if (stopBits != 1 && stopBits != 2) {
            throw new IllegalArgumentException("stopBits must be 1 or 2, got " + stopBits);
        }
    }

    /** 8N1 at the given speed. */
    public static SerialSettings of(String port, int baud) {
        return new SerialSettings(port, baud, Parity.NONE, 8, 1);
    }

    /**
     * Reads the usual connection keys ({@code port}, {@code baud}, {@code parity}, {@code dataBits},
     * {@code stopBits}) from a device's connection map; defaults 9600 8N1.
     */
    public static SerialSettings fromMap(Map<String, Object> m) {
        Object port = m.get("port");
        if (port == null || port.toString().isBlank()) {
            throw new IllegalArgumentException("serial connection needs \"port\" (a device path such as /dev/ttyUSB0)");
        }
        return new SerialSettings(port.toString(), intOf(m, "baud", 9600),
                Parity.parse(m.get("parity") == null ? null : m.get("parity").toString()),
                intOf(m, "dataBits", 8), intOf(m, "stopBits", 1));
    }

    private static int intOf(Map<String, Object> m, String key, int fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + key + "\" must be an integer, got \"" + v + "\"");
        }
    }

    /** Bits on the wire per character: start + data + parity + stop. */
    public int bitsPerChar() {
        return 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + stopBits;
    }

    /** Time one character takes on the wire, in nanoseconds. */
    public long charTimeNanos() {
        return bitsPerChar() * 1_000_000_000L / baud;
    }

    @Override
    public String toString() {
        return port + " " + baud + " " + dataBits + parity.name().charAt(0) + stopBits;
    }
}
