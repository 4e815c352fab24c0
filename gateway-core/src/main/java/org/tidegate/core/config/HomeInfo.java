package org.tidegate.core.config;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a {@link SectionSchema} may know about the home it is part of.
 *
 * @param home      the home directory, absolute
 * @param gatewayId the gateway id from {@code gateway.json} ("" if missing)
 * @param sections  another section of {@code gateway.json} by name, for the rare key one component reads from a
 *                  section another owns (the sealer's deflate threshold lives in {@code telemetry}); never null
 */
public record HomeInfo(Path home, String gatewayId, Function<String, ConfigNode> sections) {

    /** A configured path resolved against the home directory ("" stays ""). */
    public String resolve(String configured) {
        return configured == null || configured.isEmpty() ? "" : home.resolve(configured).normalize().toString();
    }

    /** The node of another section (an absent node if the section is not there). */
    public ConfigNode section(String name) {
        return sections.apply(name);
    }
}
