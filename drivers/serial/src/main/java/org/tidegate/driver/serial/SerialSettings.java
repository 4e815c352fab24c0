package org.tidegate.driver.serial;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.tidegate.core.config.ConfigNode;

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

    /** The baud rates a connection may name. */
    public static final List<Long> STANDARD_BAUD_RATES = List.of(300L, 600L, 1200L, 2400L, 4800L, 9600L, 14400L,
            19200L, 38400L, 57600L, 115200L, 230400L, 460800L, 921600L);

    /**
     * Reads the serial line keys of a device's {@code connection} object, for every protocol on a serial line
     * (Modbus RTU, DL/T 645, SL 651 ...): {@code port} (required, a device path), {@code baud} (a standard rate,
     * default 9600), {@code parity} ({@code none}/{@code even}/{@code odd}, default none), {@code dataBits}
     * (7–8, default 8), {@code stopBits} (1–2, default 1). Problems are recorded on the node; the result is
     * then a placeholder.
     */
    public static SerialSettings read(ConfigNode connection) {
        String port = connection.string("port", true, "");
        if (connection.child("port").present() && port.isBlank()) {
            connection.child("port").error("must be a serial device path such as /dev/ttyUSB0");
        }
        long baud = connection.integer("baud", 300, 921_600, 9600, false);
        if (!STANDARD_BAUD_RATES.contains(baud)) {
            connection.child("baud").error(baud + " is not a standard baud rate " + STANDARD_BAUD_RATES);
            baud = 9600;
        }
        String parity = connection.choice("parity", List.of("none", "even", "odd"), "none");
        long dataBits = connection.integer("dataBits", 7, 8, 8, false);
        long stopBits = connection.integer("stopBits", 1, 2, 1, false);
        return new SerialSettings(port.isBlank() ? "?" : port, (int) baud, Parity.parse(parity), (int) dataBits,
                (int) stopBits);
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
