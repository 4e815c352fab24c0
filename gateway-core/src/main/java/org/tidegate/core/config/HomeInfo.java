package org.tidegate.core.config;

import java.nio.file.Path;

/**
 * What a {@link SectionSchema} may know about the home it is part of.
 *
 * @param home      the home directory, absolute
 * @param gatewayId the gateway id from {@code gateway.json} ("" if missing)
 */
public record HomeInfo(Path home, String gatewayId) {

    /** A configured path resolved against the home directory ("" stays ""). */
    public String resolve(String configured) {
        return configured == null || configured.isEmpty() ? "" : home.resolve(configured).normalize().toString();
    }
}
