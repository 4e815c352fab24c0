package org.tidegate.driver.dlt645.codec;

/**
 * A meter's 12-digit communication address, as printed on the meter (most significant digit first); on the wire
 * it is 6 BCD bytes, low byte first. A byte {@code AA} is a wildcard (DL/T 645-2007, 4.2: abbreviated addresses
 * and the read-address command); {@code 999999999999} is the broadcast address (time sync).
 *
 * @param digits 12 characters, each pair two decimal digits or {@code AA}
 */
public record MeterAddress(String digits) {

    /** The broadcast address (DL/T 645-2007, 4.2), used by broadcast time sync. */
    public static final MeterAddress BROADCAST = new MeterAddress("999999999999");
    /** All six bytes wildcard, used by read address ({@code 13}) when the meter's address is unknown. */
    public static final MeterAddress WILDCARD = new MeterAddress("AAAAAAAAAAAA");

    public MeterAddress {
        if (digits == null || digits.length() != 12) {
            throw new IllegalArgumentException("meter address must be 12 digits, got " + digits);
        }
        digits = digits.toUpperCase(java.util.Locale.ROOT);
        for (int i = 0; i < 12; i += 2) {
            String pair = digits.substring(i, i + 2);
            if (!pair.equals("AA") && !(Character.isDigit(pair.charAt(0)) && pair.charAt(0) < 128
                    && Character.isDigit(pair.charAt(1)) && pair.charAt(1) < 128)) {
                throw new IllegalArgumentException("meter address " + digits + ": \"" + pair + "\" is neither two digits nor AA");
            }
        }
    }

    /** Whether {@code s} is a valid address (for schemas, which report rather than throw). */
    public static boolean isValid(String s) {
        try {
            new MeterAddress(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The 6 wire bytes, low byte first. */
    public byte[] toWire() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            String pair = digits.substring(10 - 2 * i, 12 - 2 * i);
            b[i] = (byte) Integer.parseInt(pair, 16);
        }
        return b;
    }

    /**
     * Reads 6 wire bytes at {@code off}.
     *
     * @throws Dlt645Exception {@link Dlt645Exception.Reason#BCD} if a byte is neither BCD nor {@code AA}
     */
    public static MeterAddress fromWire(byte[] b, int off) throws Dlt645Exception {
        StringBuilder sb = new StringBuilder(12);
        for (int i = 5; i >= 0; i--) {
            int v = b[off + i] & 0xFF;
            if (v != 0xAA && ((v >> 4) > 9 || (v & 0x0F) > 9)) {
                throw new Dlt645Exception(Dlt645Exception.Reason.BCD,
                        String.format("address byte %d is %02X, not BCD", i, v));
            }
            sb.append(String.format("%02X", v));
        }
        return new MeterAddress(sb.toString());
    }

    /** Whether this (possibly wildcard) address matches {@code other} byte by byte. */
    public boolean matches(MeterAddress other) {
        for (int i = 0; i < 12; i += 2) {
            String a = digits.substring(i, i + 2);
            String b = other.digits.substring(i, i + 2);
            if (!a.equals("AA") && !b.equals("AA") && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return digits;
    }
}
