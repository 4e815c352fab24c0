package org.tidegate.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A component's ConfigAdmin properties read by its section schema, so that a configuration put straight into
 * ConfigAdmin gets the checks and defaults of one from gateway.json. The keys the config bundle adds
 * ({@code gatewayId}, {@code home}, {@code tidegate.source}) and those of the framework ({@code service.*},
 * {@code component.*}, {@code felix.*}, and {@code osgi.*}: Felix SCR gives every component
 * {@code osgi.ds.satisfying.condition.target}; DS reference properties {@code NAME.target} and
 * {@code NAME.cardinality.minimum}) are known; every other key is the section's or an error.
 */
public final class SectionProperties {
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.");
    /** Declarative Services reference properties: {@code <reference name>.target} and {@code .cardinality.minimum}. */
    private static final List<String> REFERENCE_SUFFIXES = List.of(".target", ".cardinality.minimum");

    private SectionProperties() {
    }

    /**
     * @param pid               names the configuration in problems ({@code configuration PID: $.key: ...})
     * @param gatewayIdRequired whether a missing {@code gatewayId} is an error
     * @param schema            reads the section; other sections' keys are looked up in the same properties
     * @throws IllegalArgumentException listing every problem
     */
    public static <T> T read(String pid, Map<String, ?> properties, boolean gatewayIdRequired,
                      BiFunction<ConfigNode, HomeInfo, T> schema) {
        Map<String, ?> values = properties == null ? Map.of() : properties;
        JsonNode tree = ConfigNode.mapper().valueToTree(values);
        ConfigProblems problems = new ConfigProblems();
        ConfigNode node = ConfigNode.at("configuration " + pid, "$", tree, problems);
        node.isObject(true);
        node.known("tidegate.source");
        for (String key : values.keySet()) {
            if (FRAMEWORK_PREFIXES.stream().anyMatch(key::startsWith) || REFERENCE_SUFFIXES.stream().anyMatch(key::endsWith)) {
                node.known(key);
            }
        }
        String gatewayId = node.string("gatewayId", gatewayIdRequired, "");
        String home = node.string("home", false, ".");
        HomeInfo info = new HomeInfo(Path.of(home.isBlank() ? "." : home).toAbsolutePath().normalize(), gatewayId,
                name -> node);
        T result = schema.apply(node, info);
        node.reportUnknownKeys();
        if (problems.errorCount() > 0) {
            throw new IllegalArgumentException(problems.describeErrors());
        }
        return result;
    }
}
