package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;

class ConsoleSectionTest {
    private static Map<String, Object> props(String json, ConfigProblems problems) {
        ConfigNode n = ConfigNode.parse("gateway.json", json, problems).child("console");
        HomeInfo home = new HomeInfo(Path.of("/tmp/h"), "gw-1", name -> n);
        Map<String, Object> p = new ConsoleSection().properties(n, home);
        n.reportUnknownKeys();
        return p;
    }

    @Test
    void defaultsAndTheRoundTripThroughConfigAdmin() {
        ConfigProblems problems = new ConfigProblems();
        Map<String, Object> p = props("{\"console\": {}}", problems);
        assertEquals(0, problems.errorCount(), problems.describeErrors());
        assertEquals(ConsoleSection.DEFAULT_PORT, p.get("port"));
        ConsoleSettings s = ConsoleSection.read(p);
        assertEquals(List.of(), s.interfaces());
        assertEquals(ConsoleSection.DEFAULT_SESSION_SECONDS, s.sessionSeconds());
        assertEquals(false, s.https());

        p = props("{\"console\": {\"port\": 9000, \"interfaces\": [\"192.168.7.2\", \"fe80::1\"], \"sessionSeconds\": 60}}",
                problems);
        assertEquals(0, problems.errorCount(), problems.describeErrors());
        s = ConsoleSection.read(p);
        assertEquals(List.of("192.168.7.2", "fe80::1"), s.interfaces());
        assertEquals(9000, s.port());
        assertEquals(60, s.sessionSeconds());
    }

    @Test
    void refusesWildcardsHostNamesUnknownKeysAndMissingCertificates() {
        ConfigProblems problems = new ConfigProblems();
        props("{\"console\": {\"interfaces\": [\"0.0.0.0\", \"gateway.local\", 7], \"sesionSeconds\": 5,"
                + " \"tls\": {\"certificate\": \"keys/none.pem\", \"key\": \"keys/none.key\"}}}", problems);
        String all = problems.describeErrors();
        assertTrue(all.contains("$.console.interfaces[0]") && all.contains("wildcard"), all);
        assertTrue(all.contains("$.console.interfaces[1]") && all.contains("not an IP address"), all);
        assertTrue(all.contains("$.console.interfaces[2]"), all);
        assertTrue(all.contains("sesionSeconds") && all.contains("did you mean"), all);
        assertTrue(all.contains("$.console.tls.certificate") && all.contains("cannot read"), all);
        assertThrows(IllegalArgumentException.class, () -> ConsoleSection.read(Map.of("port", 0L)));
    }

    /** docs/configuration.md has a row for every key the schema asks for, with the schema's default. */
    @Test
    void everyKeyAndDefaultIsInTheConfigurationReference() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("../../docs/configuration.md"));
        ConfigProblems problems = new ConfigProblems();
        ConfigNode n = ConfigNode.parse("gateway.json", "{\"console\": {}}", problems).child("console");
        Map<String, Object> p = new ConsoleSection().properties(n, new HomeInfo(Path.of("/tmp/h"), "gw", x -> n));
        for (String key : n.askedKeys()) {
            String row = doc.lines().filter(l -> l.startsWith("| `" + key + "` |")).findFirst().orElse("");
            assertTrue(!row.isEmpty(), "no row for console." + key + " in docs/configuration.md");
            Object def = p.get(key);
            if (def != null && !(def instanceof String)) {
                assertTrue(row.startsWith("| `" + key + "` | " + def + " |"), "default of " + key + " is " + def + ": " + row);
            }
        }
        for (String key : List.of("certificate", "key")) {
            assertTrue(doc.contains("\"" + key + "\""), key);
        }
    }
}
