package org.tidegate.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionSchema;

/** docs/configuration.md must document every gateway.json key the section schemas accept. */
class ConfigurationDocTest {
    @Test
    void everyKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        List<String> missing = new ArrayList<>();
        List<SectionSchema> sections = ConfigSchemas.fromClassPath().sections();
        assertFalse(sections.isEmpty(), "no section schemas on the class path");
        for (SectionSchema s : sections) {
            // A schema asks for every key it knows, present or not: run it on an empty section.
            ConfigProblems problems = new ConfigProblems();
            ConfigNode empty = ConfigNode.at("gateway.json", "$." + s.name(), ConfigNode.emptyObject(), problems);
            s.properties(empty, new HomeInfo(Path.of("/tmp/doc-home"), "gw",
                    name -> ConfigNode.at("gateway.json", "$." + name, ConfigNode.emptyObject(), problems)));
            for (String key : empty.askedKeys()) {
                if (!doc.contains("`" + key + "`")) {
                    missing.add(s.name() + "." + key);
                }
            }
        }
        assertTrue(missing.isEmpty(), "keys not in docs/configuration.md: " + missing);
    }
}
