package org.tidegate.driver.dlt645.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A data format of the DL/T 645-2007 data identifier tables (Appendix A), such as {@code XX.XXXX} (power, kW),
 * {@code XXX.X} (voltage, V), {@code XXX.XXX} (current, A) or {@code XXXXXX.XX} (energy, kWh): an even number of
 * BCD digits, sent low byte first, with a fixed number of decimals. When {@code signed}, the top bit of the most
 * significant byte is the sign (1 = negative) and is not part of the highest digit (the standard's rule for
 * power, current and power factor, whose direction it gives).
 *
 * @param digits   BCD digits, even, 2–16
 * @param decimals digits after the decimal point
 * @param signed   whether the top bit of the last (most significant) byte is the sign
 */
public record BcdFormat(int digits, int decimals, boolean signed) {

    public BcdFormat {
        if (digits < 2 || digits > 16 || digits % 2 != 0) {
            throw new IllegalArgumentException("a BCD format has an even number of digits from 2 to 16, got " + digits);
        }
        if (decimals < 0 || decimals > digits) {
            throw new IllegalArgumentException("decimals " + decimals + " out of range 0-" + digits);
        }
    }

    /**
     * Parses a pattern of {@code X} and at most one {@code .}, e.g. {@code XX.XXXX}.
     *
     * @throws IllegalArgumentException with the reason (schemas report the message)
     */
    public static BcdFormat parse(String pattern, boolean signed) {
        if (pattern == null || !pattern.matches("X+(\\.X+)?")) {
            throw new IllegalArgumentException("format \"" + pattern + "\" is not X digits with at most one point, like XX.XXXX");
        }
        int dot = pattern.indexOf('.');
        int decimals = dot < 0 ? 0 : pattern.length() - dot - 1;
        int digits = pattern.length() - (dot < 0 ? 0 : 1);
        if (digits % 2 != 0 || digits > 16) {
            throw new IllegalArgumentException("format \"" + pattern + "\" has " + digits + " digits; a BCD field has an even number, at most 16");
        }
        return new BcdFormat(digits, decimals, signed);
    }

    /** Bytes on the wire. */
    public int length() {
        return digits / 2;
    }

    /** The pattern, e.g. {@code XX.XXXX}. */
    public String pattern() {
        String x = "X".repeat(digits);
        return decimals == 0 ? x : x.substring(0, digits - decimals) + "." + x.substring(digits - decimals);
    }

    /**
     * Decodes one value of {@link #length()} bytes at {@code off} (already without the 0x33 offset).
     *
     * @throws Dlt645Exception {@link Dlt645Exception.Reason#BCD} for a nibble above 9
     */
    public BigDecimal decode(byte[] b, int off) throws Dlt645Exception {
        int n = length();
        if (off < 0 || off + n > b.length) {
            throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "value of format " + pattern() + " needs " + n + " bytes, "
                    + Math.max(0, b.length - off) + " left");
        }
        long v = 0;
        boolean negative = false;
        for (int i = n - 1; i >= 0; i--) {
            int x = b[off + i] & 0xFF;
            if (i == n - 1 && signed) {
                negative = (x & 0x80) != 0;
                x &= 0x7F;
            }
            int hi = x >> 4;
            int lo = x & 0x0F;
            if (hi > 9 || lo > 9) {
                throw new Dlt645Exception(Dlt645Exception.Reason.BCD,
                        String.format("value byte %d is %02X, not BCD (format %s)", i, b[off + i] & 0xFF, pattern()));
            }
            v = v * 100 + hi * 10 + lo;
        }
        BigDecimal d = new BigDecimal(BigInteger.valueOf(negative ? -v : v), decimals);
        return d;
    }

    /** Decodes a value that must fill {@code b} exactly. */
    public BigDecimal decode(byte[] b) throws Dlt645Exception {
        if (b.length != length()) {
            throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH, "value of " + b.length + " bytes, format " + pattern() + " has " + length());
        }
        return decode(b, 0);
    }

    /** Decodes a data block (identifier {@code …FF..}): consecutive values of this format filling {@code b}. */
    public List<BigDecimal> decodeBlock(byte[] b) throws Dlt645Exception {
        if (b.length == 0 || b.length % length() != 0) {
            throw new Dlt645Exception(Dlt645Exception.Reason.LENGTH,
                    "block of " + b.length + " bytes is not a whole number of " + length() + "-byte values (format " + pattern() + ")");
        }
        List<BigDecimal> out = new ArrayList<>();
        for (int off = 0; off < b.length; off += length()) {
            out.add(decode(b, off));
        }
        return out;
    }

    /**
     * Encodes {@code value} (the meter side: simulators, tests), rounding half up to the decimals.
     *
     * @throws IllegalArgumentException if it does not fit, or is negative and the format is unsigned
     */
    public byte[] encode(BigDecimal value) {
        BigInteger u = value.setScale(decimals, java.math.RoundingMode.HALF_UP).unscaledValue();
        boolean negative = u.signum() < 0;
        if (negative && !signed) {
            throw new IllegalArgumentException(value + " is negative and format " + pattern() + " has no sign");
        }
        String s = u.abs().toString();
        if (s.length() > digits || (signed && s.length() == digits && s.charAt(0) > '7')) {
            throw new IllegalArgumentException(value + " does not fit format " + pattern());
        }
        s = "0".repeat(digits - s.length()) + s;
        byte[] b = new byte[length()];
        for (int i = 0; i < b.length; i++) {
            int p = digits - 2 * (i + 1);
            b[i] = (byte) (((s.charAt(p) - '0') << 4) | (s.charAt(p + 1) - '0'));
        }
        if (negative) {
            b[b.length - 1] |= (byte) 0x80;
        }
        return b;
    }
}
