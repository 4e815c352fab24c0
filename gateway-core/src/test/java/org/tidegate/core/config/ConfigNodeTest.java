package org.tidegate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Values of the wrong JSON kind are refused with the value as written and, where one is obvious, the fix. */
class ConfigNodeTest {
    private static List<String> errors(String json, java.util.function.Consumer<ConfigNode> schema) {
        ConfigProblems problems = new ConfigProblems();
        schema.accept(ConfigNode.parse("devices/x.json", json, problems));
        return problems.errors().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void aNumberInQuotesIsRefusedWithTheNumberToWrite() {
        assertEquals(List.of("devices/x.json: $.port: must be an integer, not a string \"502\"; hint: write the"
                        + " number without quotes: 502"),
                errors("{\"port\": \"502\"}", n -> n.integer("port", 1, 65535, 502, true)));
        assertEquals(List.of("devices/x.json: $.scale: must be a number, not a string \"0.1\"; hint: write the"
                        + " number without quotes: 0.1"),
                errors("{\"scale\": \"0.1\"}", n -> n.number("scale", 1.0)));
        assertEquals(List.of("devices/x.json: $.port: must be an integer, not a string \"5o2\""),
                errors("{\"port\": \"5o2\"}", n -> n.integer("port", 1, 65535, 502, true)), "no hint for a non-number");
        assertEquals(List.of("devices/x.json: $.port: must be an integer, not a string \"2.5\""),
                errors("{\"port\": \"2.5\"}", n -> n.integer("port", 1, 65535, 502, true)), "no hint that is wrong too");
        assertEquals(List.of("devices/x.json: $.port: must be an integer, not a number 2.5"),
                errors("{\"port\": 2.5}", n -> n.integer("port", 1, 65535, 502, true)));
    }

    @Test
    void aBooleanInQuotesOrAsZeroOrOneIsRefusedWithTheBooleanToWrite() {
        assertEquals(List.of("devices/x.json: $.enabled: must be true or false, not a string \"True\"; hint: write"
                        + " true without quotes"),
                errors("{\"enabled\": \"True\"}", n -> n.bool("enabled", false)));
        assertEquals(List.of("devices/x.json: $.enabled: must be true or false, not a number 0; hint: write false"),
                errors("{\"enabled\": 0}", n -> n.bool("enabled", true)));
    }

    @Test
    void anIdWrittenAsANumberIsRefusedWithTheQuotedForm() {
        assertEquals(List.of("devices/x.json: $.id: must be a string, not a number 7; hint: write it in quotes: \"7\""),
                errors("{\"id\": 7}", n -> n.string("id", true, "")));
        assertEquals(List.of("devices/x.json: $.id: must be a string, not an object"),
                errors("{\"id\": {\"a\": 1}}", n -> n.string("id", true, "")), "no value shown for an object");
    }

    private static List<String> parsed(String text) {
        return errors(text, n -> { });
    }

    @Test
    void commonSyntaxMistakesGetAHintAndNoProgrammersAdvice() {
        assertEquals(List.of("devices/x.json: $: not valid JSON: line 1, column 22: Unexpected character ('}' (code 125)):"
                        + " was expecting double-quote to start field name; hint: a comma before } (after the last item)"
                        + " is not allowed in JSON: remove it"),
                parsed("{ \"id\": \"x\", \"a\": 1, }"));
        assertEquals(List.of("devices/x.json: $: not valid JSON: line 1, column 17: Unexpected character (']' (code 93)):"
                        + " expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false');"
                        + " hint: a comma before ] (after the last item) is not allowed in JSON: remove it"),
                parsed("{ \"ids\": [1, 2, ] }"));
        List<String> comment = parsed("{ \"id\": \"x\" // the pump\n }");
        assertEquals(1, comment.size(), comment.toString());
        assertTrue(comment.get(0).startsWith("devices/x.json: $: not valid JSON: line 1, column 13: a comment (// or /* */);"
                + " hint: JSON has no comments"), comment.get(0));
        List<String> quotes = parsed("{ 'id': 'x' }");
        assertTrue(quotes.get(0).contains("hint: JSON strings and keys are written in double quotes"), quotes.toString());
        for (String e : comment.isEmpty() ? quotes : List.of(comment.get(0), quotes.get(0))) {
            assertFalse(e.contains("enable") || e.contains("Feature"), e);
        }
    }

    @Test
    void anEmptyFileSaysSoAndAByteOrderMarkIsSkipped() {
        assertEquals(List.of("devices/x.json: $: the file is empty; it must hold one JSON object { ... }"), parsed(""));
        assertEquals(List.of("devices/x.json: $: the file is empty; it must hold one JSON object { ... }"), parsed(" \n"));
        assertEquals(List.of(), errors("\uFEFF{ \"id\": \"x\" }", n -> assertEquals("x", n.string("id", true, ""))),
                "a Notepad-saved file (UTF-8 with BOM) reads as written");
    }

    @Test
    void aKeyCutShortOrRunOnGetsTheKeyItMeant() {
        assertEquals("keepAliveSeconds", ConfigNode.closest("keepAlive", List.of("url", "keepAliveSeconds", "clientId")));
        assertEquals("timeoutMs", ConfigNode.closest("timeoutMsec", List.of("timeoutMs", "retries")));
        assertEquals(null, ConfigNode.closest("keep", List.of("keepAliveSeconds", "keepSessions")), "two keys begin so");
    }
}
