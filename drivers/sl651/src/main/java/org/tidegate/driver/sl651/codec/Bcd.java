package org.tidegate.driver.sl651.codec;

import java.time.DateTimeException;
import java.time.LocalDateTime;

/** BCD digits and BCD date-times (YYMMDDHHmm[ss], years 2000-2099). */
final class Bcd {
    private Bcd() {
    }

    /** The BCD digits of {@code len} bytes as a number; refuses a nibble above 9. */
    static long digits(byte[] b, int off, int len, String what) throws Sl651Exception {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            int hi = (b[i] >>> 4) & 0xF;
            int lo = b[i] & 0xF;
            if (hi > 9 || lo > 9) {
                throw new Sl651Exception(Sl651Exception.Kind.BCD,
                        String.format("%s: byte %02X at offset %d is not BCD", what, b[i] & 0xFF, i));
            }
            v = v * 100 + hi * 10 + lo;
        }
        return v;
    }

    static void put(long value, byte[] out, int off, int len) {
        for (int i = off + len - 1; i >= off; i--) {
            int two = (int) (value % 100);
            out[i] = (byte) (((two / 10) << 4) | (two % 10));
            value /= 100;
        }
        if (value != 0) {
            throw new IllegalArgumentException("value does not fit " + len + " BCD bytes");
        }
    }

    /** A BCD time of 5 (to the minute) or 6 (to the second) bytes. */
    static LocalDateTime time(byte[] b, int off, int len, String what) throws Sl651Exception {
        int[] f = new int[6];
        for (int i = 0; i < len; i++) {
            f[i] = (int) digits(b, off + i, 1, what);
        }
        try {
            return LocalDateTime.of(2000 + f[0], f[1], f[2], f[3], f[4], f[5]);
        } catch (DateTimeException e) {
            throw new Sl651Exception(Sl651Exception.Kind.MALFORMED, what + ": not a date-time (" + e.getMessage() + ")");
        }
    }

    static void putTime(LocalDateTime t, byte[] out, int off, int len) {
        if (t.getYear() < 2000 || t.getYear() > 2099) {
            throw new IllegalArgumentException("year " + t.getYear() + " outside 2000-2099");
        }
        int[] f = {t.getYear() - 2000, t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()};
        for (int i = 0; i < len; i++) {
            put(f[i], out, off + i, 1);
        }
    }
}
