package org.tidegate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Device;

/**
 * A validated gateway home directory: what {@link HomeLoader} returns when there is nothing wrong.
 *
 * @param home     absolute home directory
 * @param id       gateway id (also the MQTT client id)
 * @param site     free text describing where the gateway is
 * @param sections the sections of {@code gateway.json} ({@code broker}, {@code security}, {@code store},
 *                 {@code telemetry}), every key present (defaults filled in), file paths absolute
 * @param devices  the devices, each merged with its profile, in file-name order
 */
public record GatewayConfig(Path home, String id, String site, Map<String, Map<String, Object>> sections,
                            List<Device> devices) {

    public GatewayConfig {
        sections = Map.copyOf(sections);
        devices = List.copyOf(devices);
    }

    public Map<String, Object> section(String name) {
        return sections.getOrDefault(name, Map.of());
    }
}
