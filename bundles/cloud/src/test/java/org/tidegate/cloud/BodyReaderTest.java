package org.tidegate.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;

class BodyReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCompactBodyReadsAsTheJsonBodyItStandsFor() throws Exception {
        long t = 1_732_272_000_123L;
        byte[] compact = CompactTelemetry.encode("gw-zj-0001", "wl-001", List.of(
                Sample.good("wl-001", "level", t, (double) 2.37f, "m"),
                Sample.good("wl-001", "count", t, 7L, ""),
                Sample.good("wl-001", "pump", t, true, ""),
                Sample.bad("wl-001", "temp", t, "C", "timeout"),
                new Sample("wl-001", "p", t + 1000, 0.1, "bar", Quality.STALE, "")));
        String expected = """
                {"gateway":"gw-zj-0001","device":"wl-001","samples":[
                {"ch":"level","t":1732272000123,"v":2.37,"u":"m","q":"good"},
                {"ch":"count","t":1732272000123,"v":7,"u":"","q":"good"},
                {"ch":"pump","t":1732272000123,"v":true,"u":"","q":"good"},
                {"ch":"temp","t":1732272000123,"v":null,"u":"C","q":"bad","e":"timeout"},
                {"ch":"p","t":1732272001123,"v":0.1,"u":"bar","q":"stale"}]}""".replace("\n", "");
        assertEquals(expected, JSON.writeValueAsString(BodyReader.read(compact)));
    }

    @Test
    void jsonIsParsedAndJunkIsNull() {
        assertEquals("d", BodyReader.read("{\"device\":\"d\"}".getBytes(StandardCharsets.UTF_8)).get("device").asText());
        assertNull(BodyReader.read(new byte[] {(byte) 0xC7, 0x54, 1, 5}));
        assertNull(BodyReader.read("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theRouteCheckFindsTheDeviceInACompactBody() throws Exception {
        byte[] compact = CompactTelemetry.encode("gw-1", "pm-001", List.of(Sample.good("pm-001", "v", 1, 1.0, "V")));
        org.tidegate.crypto.Opened o = new org.tidegate.crypto.Opened("gw-1", org.tidegate.crypto.ContentType.TELEMETRY,
                4, 10, 1, 0x07, compact);
        RouteCheck route = new RouteCheck("tidegate");
        route.check("tidegate/gw-1/telemetry/pm-001", o);
        org.junit.jupiter.api.Assertions.assertThrows(org.tidegate.crypto.EnvelopeException.class,
                () -> route.check("tidegate/gw-1/telemetry/pm-002", o));
    }
}
