package org.tidegate.core.model;

import java.util.Locale;

/**
 * A Modbus channel address: {@code TABLE:OFFSET} or {@code TABLE:OFFSET.BIT}, offset 0-based as on the wire.
 * Tables: {@code coil} (FC 1/5/15), {@code di} discrete input (FC 2), {@code ir} input register (FC 4),
 * {@code hr} holding register (FC 3/6/16). {@code .BIT} (0–15) picks one bit of a register.
 *
 * @param table  which Modbus table
 * @param offset 0-based address, 0–65535
 * @param bit    bit within the register, or -1
 */
public record ModbusAddress(Table table, int offset, int bit) {

    public enum Table {
        COIL("coil", 1), DISCRETE_INPUT("di", 2), INPUT_REGISTER("ir", 4), HOLDING_REGISTER("hr", 3);

        private final String prefix;
        private final int readFunction;

        Table(String prefix, int readFunction) {
            this.prefix = prefix;
            this.readFunction = readFunction;
        }

        public String prefix() {
            return prefix;
        }

        public int readFunction() {
            return readFunction;
        }

        public boolean isRegister() {
            return this == INPUT_REGISTER || this == HOLDING_REGISTER;
        }
    }

    /** Parses an address; throws {@link IllegalArgumentException} with a message fit for a config error. */
    public static ModbusAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing Modbus address (expected e.g. hr:100, ir:0.3, coil:5, di:2)");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a Modbus address: expected TABLE:OFFSET with TABLE one of hr, ir, coil, di"
                    + modiconHint(s));
        }
        String prefix = s.substring(0, colon);
        Table table = null;
        for (Table t : Table.values()) {
            if (t.prefix.equals(prefix)) {
                table = t;
            }
        }
        if (table == null) {
            throw new IllegalArgumentException("unknown Modbus table \"" + prefix + "\" (expected hr, ir, coil or di)");
        }
        String rest = s.substring(colon + 1);
        int bit = -1;
        int dot = rest.indexOf('.');
        if (dot >= 0) {
            if (!table.isRegister()) {
                throw new IllegalArgumentException("a bit index (." + rest.substring(dot + 1) + ") only applies to registers (hr, ir)");
            }
            bit = parseInt(rest.substring(dot + 1), text, "bit");
            if (bit > 15) {
                throw new IllegalArgumentException("bit " + bit + " out of range 0-15 in \"" + text + "\"");
            }
            rest = rest.substring(0, dot);
        }
        int offset = parseInt(rest, text, "offset");
        if (offset > 65535) {
            throw new IllegalArgumentException("offset " + offset + " out of range 0-65535 in \"" + text + "\"");
        }
        return new ModbusAddress(table, offset, bit);
    }

    /*
     * Register maps often give 1-based Modicon numbers (40001 = the first holding register); offsets here are 0-based
     * as on the wire, so the hint does the conversion rather than leave the operator to guess which it is.
     */
    private static String modiconHint(String s) {
        if (!s.matches("[0-4]\\d{4}|[0-4]\\d{5}")) {
            return "";
        }
        int n = Integer.parseInt(s);
        int five = s.length() == 5 ? 10_000 : 100_000;
        int kind = n / five;
        int number = n % five;
        if (number < 1 || kind == 2) {
            return "";
        }
        String table = switch (kind) {
            case 0 -> "coil";
            case 1 -> "di";
            case 3 -> "ir";
            default -> "hr";
        };
        return "; hint: in the 1-based Modicon numbering " + s + " is " + table + ":" + (number - 1);
    }

    private static int parseInt(String s, String whole, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " \"" + s + "\" is not a non-negative integer in \"" + whole + "\"");
        }
    }

    @Override
    public String toString() {
        return table.prefix + ":" + offset + (bit >= 0 ? "." + bit : "");
    }
}
