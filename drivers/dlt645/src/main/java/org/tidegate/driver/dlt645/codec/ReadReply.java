package org.tidegate.driver.dlt645.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A checked normal reply to a read: the data identifier it answers and the value bytes after it (without the
 * 0x33 offset, low byte first as on the wire; decode them with a {@link BcdFormat}).
 *
 * @param dataIdentifier the identifier, as written in the standard's tables (e.g. {@code 0x02030000})
 * @param value          the bytes after the identifier
 * @param followUp       whether the meter said follow-up frames exist ({@code B1})
 */
public record ReadReply(int dataIdentifier, byte[] value, boolean followUp) {

    public ReadReply {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadReply r && r.dataIdentifier == dataIdentifier && r.followUp == followUp && Arrays.equals(r.value, value);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(dataIdentifier) * 31 + Arrays.hashCode(value) + (followUp ? 1 : 0);
    }

    @Override
    public String toString() {
        return String.format("ReadReply[%s, value=%s, followUp=%s]", Dlt645.identifier(dataIdentifier),
                HexFormat.of().withUpperCase().formatHex(value), followUp);
    }
}
