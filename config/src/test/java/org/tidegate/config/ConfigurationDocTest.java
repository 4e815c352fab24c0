package org.tidegate.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md must document every gateway.json key the validator accepts. */
class ConfigurationDocTest {
    @Test
    void everyKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        List<String> missing = new ArrayList<>();
        for (String key : org.tidegate.config.internal.SchemaKeys.all()) {
            if (!doc.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        assertTrue(missing.isEmpty(), "keys not in docs/configuration.md: " + missing);
    }
}
