package org.tidegate.driver.dlt645.codec;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The bits of the error byte of an error reply (DL/T 645-2007, 7.3.4 "异常应答" error information word). */
public enum MeterError {
    /** Bit 0: other error. */
    OTHER(0, "other error"),
    /** Bit 1: no requested data (unknown data identifier). */
    NO_DATA(1, "no requested data"),
    /** Bit 2: wrong password or not authorised. */
    UNAUTHORIZED(2, "password wrong or not authorised"),
    /** Bit 3: the communication rate cannot be changed. */
    BAUD_RATE_UNCHANGEABLE(3, "communication rate cannot be changed"),
    /** Bit 4: too many annual time zones. */
    YEAR_ZONES_EXCEEDED(4, "annual time zone count exceeded"),
    /** Bit 5: too many daily periods. */
    DAY_PERIODS_EXCEEDED(5, "daily period count exceeded"),
    /** Bit 6: too many tariffs. */
    TARIFFS_EXCEEDED(6, "tariff count exceeded"),
    /** Bit 7: reserved; reported so that no bit the meter sets is lost. */
    RESERVED(7, "reserved bit 7");

    private final int bit;
    private final String description;

    MeterError(int bit, String description) {
        this.bit = bit;
        this.description = description;
    }

    public int bit() {
        return bit;
    }

    public String description() {
        return description;
    }

    /** The errors whose bits are set in {@code errorByte}. */
    public static Set<MeterError> decode(int errorByte) {
        Set<MeterError> set = EnumSet.noneOf(MeterError.class);
        for (MeterError e : values()) {
            if ((errorByte & (1 << e.bit)) != 0) {
                set.add(e);
            }
        }
        return set;
    }

    /** "no requested data, other error" style text for log lines and statuses. */
    public static String describe(Set<MeterError> errors) {
        return errors.isEmpty() ? "no error bit set" : errors.stream().map(MeterError::description).collect(Collectors.joining(", "));
    }
}
