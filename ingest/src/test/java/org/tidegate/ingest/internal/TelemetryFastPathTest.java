package org.tidegate.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.Opened;

/**
 * The fast way for telemetry ({@link BodyDecoder#telemetryFast}) stores exactly what the general way (JSON tree)
 * stores, and gives up on whatever it is not sure of, so the general way decides (and words every refusal).
 */
class TelemetryFastPathTest {
    private static Opened opened(byte[] body) {
        return new Opened("gw-1", ContentType.TELEMETRY, 4, 7, 1_700_000_000_000L, 0, body);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Both ways agree; returns the rows. */
    private static Decoded.Telemetry same(byte[] body) throws BadBody {
        Decoded.Telemetry fast = BodyDecoder.telemetryFast(body);
        assertNotNull(fast, "the fast way should take " + new String(body, StandardCharsets.UTF_8));
        assertEquals(BodyDecoder.decode(opened(body)), fast);
        return fast;
    }

    @Test
    void aGatewayJsonBodyIsStoredAlikeBothWaysIncludingAFailedRead() throws Exception {
        // the shape of the gateway's BodyEncoder: gateway, device, samples; a failed read is "v": null, "q": "bad"
        Decoded.Telemetry t = same(json("{\"gateway\":\"gw-1\",\"device\":\"pm-001\",\"samples\":["
                + "{\"ch\":\"ua\",\"t\":1732272000123,\"v\":231.5,\"u\":\"V\",\"q\":\"good\"},"
                + "{\"ch\":\"kwh\",\"t\":1732272000123,\"v\":120034,\"u\":\"kWh\",\"q\":\"good\"},"
                + "{\"ch\":\"run\",\"t\":1732272000123,\"v\":true,\"u\":\"\",\"q\":\"good\"},"
                + "{\"ch\":\"mode\",\"t\":1732272000123,\"v\":\"auto \\u00e9\",\"u\":\"\",\"q\":\"stale\"},"
                + "{\"ch\":\"ib\",\"t\":1732272000123,\"v\":null,\"u\":\"A\",\"q\":\"bad\",\"e\":\"timeout\"}]}"));
        assertEquals(5, t.readings().size());
        assertEquals(new Reading("pm-001", "kwh", 1732272000123L, 120034.0, null, null, "kWh", "good"),
                t.readings().get(1));
        assertEquals(new Reading("pm-001", "ib", 1732272000123L, null, null, null, "A", "bad"), t.readings().get(4));
    }

    @Test
    void aCompactBodyIsStoredAlikeBothWays() throws Exception {
        long t = 1732272000123L;
        byte[] body = CompactTelemetry.encode("gw-1", "pm-001", List.of(
                Sample.good("pm-001", "ua", t, 231.5, "V"),
                Sample.good("pm-001", "pf", t, 0.1, ""), // not a float32: float64 in the body
                Sample.good("pm-001", "kwh", t, 120034L, "kWh"),
                Sample.good("pm-001", "run", t, false, ""),
                Sample.good("pm-001", "mode", t, "auto", ""),
                Sample.bad("pm-001", "ib", t, "A", "timeout"),
                new Sample("pm-001", "ic", t + 1000, 2.25, "A", Quality.STALE, "")));
        Decoded.Telemetry d = same(body);
        assertEquals(7, d.readings().size());
        assertEquals(0.1, d.readings().get(1).number());
        assertEquals(new Reading("pm-001", "ib", t, null, null, null, "A", "bad"), d.readings().get(5));
    }

    @Test
    void whatItIsNotSureOfGoesTheGeneralWay() throws Exception {
        String sample = "{\"ch\":\"c\",\"t\":5,\"v\":1,\"u\":\"V\",\"q\":\"good\"}";
        for (String body : List.of(
                "{\"samples\":[" + sample + "],\"device\":\"d\"}",                        // samples before device
                "{\"device\":\"d\",\"device\":\"e\",\"samples\":[" + sample + "]}",       // a repeated field
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"ch\":\"x\",\"t\":5,\"v\":1}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5.0,\"v\":1}]}",      // a time as a float
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":1,\"u\":7}]}", // a unit as a number
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":1,\"q\":null}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":123456789012345678901234}]}")) {
            assertNull(BodyDecoder.telemetryFast(json(body)), body);
            // and the general way still stores it (these are all storable, if unusual)
            assertEquals(1, ((Decoded.Telemetry) BodyDecoder.decode(opened(json(body)))).readings().size(), body);
        }
    }

    @Test
    void whatTheGeneralWayRefusesTheFastWayDoesNotTake() {
        for (String body : List.of(
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":null,\"q\":\"good\"}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":null}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":0,\"v\":1}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"\",\"t\":5,\"v\":1}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":1,\"q\":\"meh\"}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":[1]}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":\"a\\u0000b\"}]}",
                "{\"device\":\"" + "x".repeat(65) + "\",\"samples\":[]}",
                "{\"device\":\"d\",\"samples\":[1]}",
                "{\"device\":\"d\",\"samples\":[" + "{\"ch\":\"c\",\"t\":5,\"v\":1},".repeat(10_000)
                        + "{\"ch\":\"c\",\"t\":5,\"v\":1}]}",
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":1}",
                "[1,2]", "{oops", "")) {
            assertNull(BodyDecoder.telemetryFast(json(body)), body);
            assertThrows(BadBody.class, () -> BodyDecoder.decode(opened(json(body))), body);
        }
        BadBody good = assertThrows(BadBody.class, () -> BodyDecoder.decode(opened(json(
                "{\"device\":\"d\",\"samples\":[{\"ch\":\"c\",\"t\":5,\"v\":null,\"q\":\"good\"}]}"))));
        assertTrue(good.getMessage().startsWith("$.samples[0].v"), good.getMessage());
    }
}
