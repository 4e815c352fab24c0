package org.tidegate.core.config;

import org.tidegate.core.model.Access;
import org.tidegate.core.model.ChannelSettings;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Endian;

/**
 * What a driver's schema makes of the driver's keys of one channel.
 *
 * @param address   the address as configured (the driver checked its syntax)
 * @param type      how the raw value decodes
 * @param byteOrder byte order within a register (register-based protocols; BIG otherwise)
 * @param wordOrder register order within a multi-register value (BIG otherwise)
 * @param length    registers of a string value, otherwise 0
 * @param access    read, write or both, as the driver allows for this address
 * @param settings  the driver's own typed settings of the channel
 */
public record ChannelSpec(String address, DataType type, Endian byteOrder, Endian wordOrder, int length,
                          Access access, ChannelSettings settings) {
    public ChannelSpec {
        byteOrder = byteOrder == null ? Endian.BIG : byteOrder;
        wordOrder = wordOrder == null ? Endian.BIG : wordOrder;
        access = access == null ? Access.READ : access;
        settings = settings == null ? ChannelSettings.NONE : settings;
    }
}
