package org.tidegate.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionSchema;

/**
 * docs/configuration.md must state each gateway.json section key's default as its schema has it: every
 * {@link SectionSchema} runs on an empty section and each value it returns is compared with the "default"
 * column of the key's row in the section's table ({@code ### `NAME` (... PID `PID`)}, rows
 * {@code | `key`, `key2` | default, default2 | meaning |}). A key documented as required ("—") must be
 * reported missing by the schema; a key with a default must not be. A key one schema reads from another
 * section (the sealer's {@code telemetry.deflateMinBytes}) is compared with that section's table.
 */
class ConfigurationDefaultsDocTest {
    private static final Path HOME = Path.of("/tmp/doc-home");
    private static final Pattern HEADING = Pattern.compile("^###\\s+`([A-Za-z0-9]+)`(.*)$");
    private static final Pattern PID = Pattern.compile("PID `([^`]+)`");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** A documented key: its default text ("—…" = required) and the section's PID as documented. */
    private record Documented(String value, String pid) {
    }

    @Test
    void everyDefaultIsDocumentedAsTheSchemaHasIt() throws Exception {
        Map<String, Map<String, Documented>> doc = sectionTables(Files.readString(Path.of("../docs/configuration.md")));
        List<SectionSchema> sections = ConfigSchemas.fromClassPath().sections();
        assertFalse(sections.isEmpty(), "no section schemas on the class path");
        List<String> wrong = new ArrayList<>();
        for (SectionSchema schema : sections) {
            ConfigProblems problems = new ConfigProblems();
            ConfigNode empty = ConfigNode.at("gateway.json", "$." + schema.name(), ConfigNode.emptyObject(), problems);
            Map<String, ConfigNode> borrowed = new LinkedHashMap<>();
            Map<String, Object> props = schema.properties(empty, new HomeInfo(HOME, "gw", name -> borrowed.computeIfAbsent(
                    name, n -> ConfigNode.at("gateway.json", "$." + n, ConfigNode.emptyObject(), problems))));
            Map<String, Documented> table = doc.get(schema.name());
            if (table == null) {
                wrong.add(schema.name() + ": no table under ### `" + schema.name() + "`");
                continue;
            }
            String documentedPid = table.values().iterator().next().pid();
            if (!schema.pid().equals(documentedPid)) {
                wrong.add(schema.name() + ": PID documented as " + documentedPid + ", the schema's is " + schema.pid());
            }
            for (Map.Entry<String, Object> e : props.entrySet()) {
                String key = e.getKey();
                String section = schema.name();
                if (!empty.askedKeys().contains(key)) {
                    section = borrowed.entrySet().stream().filter(b -> b.getValue().askedKeys().contains(key))
                            .map(Map.Entry::getKey).findFirst().orElse(null);
                    if (section == null) {
                        continue; // derived, not a gateway.json key
                    }
                }
                Documented d = doc.getOrDefault(section, Map.of()).get(key);
                if (d == null) {
                    wrong.add(section + "." + key + ": not in the section's table (default " + text(e.getValue()) + ")");
                    continue;
                }
                boolean missingReported = problems.errors().stream()
                        .map(ConfigProblem::path).anyMatch(("$." + section + "." + key)::equals);
                if (d.value().startsWith("—")) {
                    if (!missingReported) {
                        wrong.add(section + "." + key + ": documented as required, the schema defaults it to "
                                + text(e.getValue()));
                    }
                } else if (missingReported) {
                    wrong.add(section + "." + key + ": documented default " + d.value() + ", the schema requires it");
                } else if (!d.value().equals(text(e.getValue()))) {
                    wrong.add(section + "." + key + ": documented default " + d.value() + ", the schema's is "
                            + text(e.getValue()));
                }
            }
        }
        assertTrue(wrong.isEmpty(), "docs/configuration.md and the section schemas disagree:\n  "
                + String.join("\n  ", wrong));
    }

    /** A value as the docs write it: paths relative to the home, the empty string as {@code ""}. */
    private static String text(Object value) {
        String s = String.valueOf(value);
        String home = HOME + "/";
        if (s.startsWith(home)) {
            s = s.substring(home.length());
        }
        return s.isEmpty() ? "\"\"" : s;
    }

    /** Section name → key → documented default, from the {@code ### `name`} tables. */
    static Map<String, Map<String, Documented>> sectionTables(String markdown) {
        Map<String, Map<String, Documented>> out = new LinkedHashMap<>();
        Map<String, Documented> table = null;
        String pid = null;
        for (String line : markdown.split("\n")) {
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                Matcher p = PID.matcher(h.group(2));
                pid = p.find() ? p.group(1) : null;
                table = pid == null ? null : out.computeIfAbsent(h.group(1), k -> new LinkedHashMap<>());
                continue;
            }
            if (line.startsWith("#")) {
                table = null;
                continue;
            }
            if (table == null || !line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            List<String> keys = new ArrayList<>();
            Matcher k = CODE.matcher(cells[1]);
            while (k.find()) {
                keys.add(k.group(1));
            }
            String value = cells[2].trim();
            String[] values = value.split(",\\s*");
            for (int i = 0; i < keys.size(); i++) {
                String v = values.length == keys.size() ? values[i] : value;
                table.put(keys.get(i), new Documented(unquote(v.trim()), pid));
            }
        }
        return out;
    }

    /** {@code `x`} → x; {@code `""`} stays {@code ""}. */
    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("`") && v.endsWith("`") ? v.substring(1, v.length() - 1) : v;
    }
}
