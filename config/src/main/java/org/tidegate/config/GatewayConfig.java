package org.tidegate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Device;

/**
 * A validated gateway home directory: what {@link HomeLoader} returns when there is nothing wrong.
 *
 * @param home      absolute home directory
 * @param id        gateway id (also the MQTT client id)
 * @param site      free text describing where the gateway is
 * @param sections  each {@code gateway.json} section as its schema made it: every key present (defaults filled
 *                  in), file paths absolute; these are the ConfigAdmin properties of the section's component
 * @param pids      the ConfigAdmin PID of each section
 * @param devices   the enabled devices, each merged with its profile and decoded by its driver's schema, in
 *                  file-name order
 * @param documents each enabled device's resolved document (JSON text), by device id: what its device component
 *                  receives and decodes with the same schema
 */
public record GatewayConfig(Path home, String id, String site, Map<String, Map<String, Object>> sections,
                            Map<String, String> pids, List<Device> devices, Map<String, String> documents) {

    public GatewayConfig {
        sections = Map.copyOf(sections);
        pids = Map.copyOf(pids);
        devices = List.copyOf(devices);
        documents = Map.copyOf(documents);
    }

    public Map<String, Object> section(String name) {
        return sections.getOrDefault(name, Map.of());
    }
}
