package org.tidegate.pipeline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;

/** docs/edge-rules.md must list, in its tables, every key the rules schema asks for, and no other. */
class RulesDocTest {

    @Test
    void everyKeyTheSchemaKnowsIsDocumented() throws Exception {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode rules = ConfigNode.at("t", "rules", ConfigNode.mapper().readTree("""
                { "thresholds": [ { "event": "e", "above": 1, "actions": [ { "device": "d", "channel": "c", "value": 1 } ] } ],
                  "rateOfChange": [ { "event": "r", "rise": 1, "windowMs": 1000 } ],
                  "accumulate": {} }"""), problems);
        RuleParser.read("c", rules);
        assertEquals(List.of(), problems.errors());
        Map<String, Set<String>> asked = Map.of(
                "## The `rules` object", rules.askedKeys(),
                "### Threshold and state alarms", rules.child("thresholds").element(0).askedKeys(),
                "### Rate-of-change alarms", rules.child("rateOfChange").element(0).askedKeys(),
                "### Rainfall totals", rules.child("accumulate").askedKeys(),
                "### Local actions", rules.child("thresholds").element(0).child("actions").element(0).askedKeys());
        String doc = Files.readString(Path.of("../../docs/edge-rules.md"));
        List<String> wrong = new ArrayList<>();
        asked.forEach((section, keys) -> {
            Set<String> documented = tableKeys(doc, section);
            if (!documented.equals(new TreeSet<>(keys))) {
                wrong.add(section + ": schema " + new TreeSet<>(keys) + ", docs " + documented);
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** The `keys` in the first column of the first table after the heading {@code heading}. */
    private static Set<String> tableKeys(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertTrue(at >= 0, "no section " + heading);
        Set<String> keys = new TreeSet<>();
        boolean inTable = false;
        for (String line : doc.substring(at).split("\n")) {
            if (line.startsWith("|")) {
                inTable = true;
                String first = line.split("\\|")[1];
                if (!first.contains("---") && !first.trim().equals("key")) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([A-Za-z]+)`").matcher(first);
                    while (m.find()) {
                        keys.add(m.group(1));
                    }
                }
            } else if (inTable) {
                break;
            }
        }
        return keys;
    }
}
