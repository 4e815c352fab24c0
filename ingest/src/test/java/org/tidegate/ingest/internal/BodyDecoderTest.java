package org.tidegate.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.Opened;

/** Bodies into rows, and every refusal naming the JSON path at fault. */
class BodyDecoderTest {
    static Opened opened(ContentType type, String body) {
        return new Opened("gw-1", type, 4, 7, 1_700_000_000_000L, 0, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void telemetryBecomesOneReadingPerSampleWithItsValueKind() throws Exception {
        Decoded d = BodyDecoder.decode(opened(ContentType.TELEMETRY, "{\"device\":\"wl-001\",\"samples\":["
                + "{\"ch\":\"level\",\"t\":1732272000123,\"v\":2.37,\"u\":\"m\",\"q\":\"good\"},"
                + "{\"ch\":\"pump\",\"t\":1732272000124,\"v\":false,\"q\":\"bad\"},"
                + "{\"ch\":\"state\",\"t\":1732272000125,\"v\":\"auto\"}]}"));
        Decoded.Telemetry t = (Decoded.Telemetry) d;
        assertEquals("wl-001", t.device());
        assertEquals(new Reading("wl-001", "level", 1732272000123L, 2.37, null, null, "m", "good"), t.readings().get(0));
        assertEquals(new Reading("wl-001", "pump", 1732272000124L, null, false, null, "", "bad"), t.readings().get(1));
        assertEquals(new Reading("wl-001", "state", 1732272000125L, null, null, "auto", "", "good"), t.readings().get(2));
    }

    @Test
    void refusalsSayWhere() {
        assertRefused("{\"samples\":[]}", "$.device");
        assertRefused("{\"device\":\"d\"}", "$.samples");
        assertRefused("{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"v\":1}]}", "$.samples[0].t");
        assertRefused("{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":1,\"v\":1},{\"t\":1,\"v\":1}]}", "$.samples[1].ch");
        assertRefused("{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":1,\"v\":[1]}]}", "$.samples[0].v");
        assertRefused("{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":1,\"v\":1,\"q\":\"meh\"}]}", "$.samples[0].q");
        assertRefused("{\"device\":\"" + "x".repeat(65) + "\",\"samples\":[]}", "at most 64");
        assertRefused("{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":1,\"v\":\"a\\u0000b\"}]}", "NUL");
        assertRefused("[1,2]", "not a JSON object");
        assertRefused("{oops", "neither JSON");
    }

    @Test
    void alarmsNeedAStateOfRaisedOrCleared() throws Exception {
        Decoded.Event e = (Decoded.Event) BodyDecoder.decode(opened(ContentType.ALARM, "{\"device\":\"wl-001\","
                + "\"kind\":\"alarm\",\"event\":\"level_high\",\"ch\":\"level\",\"t\":5,\"v\":3.1,\"state\":\"raised\","
                + "\"severity\":\"major\"}"));
        assertTrue(e.raised());
        assertEquals("3.1", e.valueJson());
        BadBody bad = assertThrows(BadBody.class, () -> BodyDecoder.decode(opened(ContentType.ALARM,
                "{\"device\":\"d\",\"event\":\"e\",\"t\":5,\"state\":\"maybe\"}")));
        assertTrue(bad.getMessage().startsWith("$.state"), bad.getMessage());
        Decoded.Event action = (Decoded.Event) BodyDecoder.decode(opened(ContentType.ALARM,
                "{\"device\":\"siren\",\"kind\":\"action\",\"event\":\"action\",\"t\":5,\"v\":true,\"state\":\"done\"}"));
        assertEquals("action", action.kind());
    }

    private static void assertRefused(String body, String where) {
        BadBody e = assertThrows(BadBody.class, () -> BodyDecoder.decode(opened(ContentType.TELEMETRY, body)));
        assertTrue(e.getMessage().contains(where), e.getMessage() + " should name " + where);
    }
}
