package org.tidegate.driver.dlt645;

import org.tidegate.core.model.ChannelSettings;
import org.tidegate.driver.dlt645.codec.BcdFormat;

/**
 * A channel of a DL/T 645 meter, made by {@link Dlt645Schema}.
 *
 * @param dataIdentifier the data identifier, DI3 first as in the standard's tables (e.g. {@code 0x02030000})
 * @param format         its BCD format, with the sign rule
 */
public record Dlt645ChannelSettings(int dataIdentifier, BcdFormat format) implements ChannelSettings {
}
