package org.tidegate.driver.sl651;

import org.tidegate.core.model.ChannelSettings;

/**
 * A channel of an SL 651 station, made by {@link Sl651Schema}: the element whose values it carries.
 *
 * @param element the element identifier (SL 651-2014 appendix C), e.g. {@code 0x39} water level
 */
public record Sl651ChannelSettings(int element) implements ChannelSettings {
}
