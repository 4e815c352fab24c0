package org.tidegate.driver.sl651.codec;

import java.util.Locale;

/**
 * The two ways SL 651-2014 puts a frame on the wire (clauses 6.4 and 6.5): HEX/BCD (frames start {@code 7E 7E},
 * fields as bytes, values BCD) and ASCII (frames start SOH {@code 01}, header fields and the CRC as hex digits,
 * the body as text: element identifiers such as {@code PJ} and decimal values separated by spaces). One link
 * carries one encoding.
 */
public enum Encoding {
    HEX, ASCII;

    /** The configuration word: {@code hex} or {@code ascii}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
