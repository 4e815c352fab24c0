package org.tidegate.core.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;

class CompactTelemetryTest {

    private static List<Sample> poll(String device, long t, int channels, Random r) {
        List<Sample> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            out.add(Sample.good(device, String.format("ch%03d", c), t, (double) (float) (230 + r.nextGaussian()), "V"));
        }
        return out;
    }

    @Test
    void roundTripKeepsEverySampleFieldByField() {
        long t = 1_732_272_000_123L;
        List<Sample> in = new ArrayList<>();
        in.add(Sample.good("wl-001", "level", t, 2.37f + 0.0, "m"));
        in.add(Sample.good("wl-001", "exact", t, 0.1, "m")); // not a float32: float64
        in.add(Sample.good("wl-001", "count", t, -42L, ""));
        in.add(Sample.good("wl-001", "pump", t, true, ""));
        in.add(Sample.good("wl-001", "mode", t, "auto", ""));
        in.add(Sample.bad("wl-001", "temp", t, "C", "timeout after 300 ms"));
        in.add(new Sample("wl-001", "old", t, 5.5, "bar", Quality.STALE, "repeated"));
        in.add(Sample.good("wl-001", "level", t + 1000, 2.5, "m")); // second row
        in.add(Sample.good("wl-001", "count", t - 500, Long.MAX_VALUE, "")); // time going back: third row
        byte[] body = CompactTelemetry.encode("gw-zj-0001", "wl-001", in);
        assertTrue(CompactTelemetry.isCompact(body));
        CompactTelemetry.Body out = CompactTelemetry.decode(body);
        assertEquals("gw-zj-0001", out.gateway());
        assertEquals("wl-001", out.device());
        assertEquals(in, out.samples());
    }

    @Test
    void nonFiniteNumbersBecomeBadSamplesAsInJson() {
        List<Sample> in = List.of(Sample.good("d", "x", 1, Double.NaN, "V"), Sample.good("d", "y", 1, 1.0, "V"));
        List<Sample> out = CompactTelemetry.decode(CompactTelemetry.encode("g", "d", in)).samples();
        assertEquals(new Sample("d", "x", 1, null, "V", Quality.BAD, "value not finite: NaN"), out.get(0));
        assertEquals(in.get(1), out.get(1));
    }

    @Test
    void mixedKindsOrUnitsInOneChannelFallBackToJson() {
        assertNull(CompactTelemetry.encode("g", "d", List.of(Sample.good("d", "x", 1, 1.0, ""),
                Sample.good("d", "x", 2, "text", ""))));
        assertNull(CompactTelemetry.encode("g", "d", List.of(Sample.good("d", "x", 1, 1.0, "V"),
                Sample.good("d", "x", 2, 1.0, "kV"))));
        assertNull(CompactTelemetry.encode("g", "d", List.of(Sample.good("d", "x".repeat(256), 1, 1.0, ""))));
    }

    @Test
    void aHundredChannelFloatPollIsAboutFourBytesASampleBeforeTheEnvelope() {
        Random r = new Random(7);
        List<Sample> one = poll("pm-001", 1_732_272_000_000L, 100, r);
        byte[] compact = CompactTelemetry.encode("gw-bench-01", "pm-001", one);
        byte[] deflated = deflate(compact);
        // 100 × 4 value bytes + 50 nibble bytes + the table, which deflate squeezes (ch000 … ch099, "V").
        assertTrue(deflated.length < 700, "deflated compact body of 100 floats: " + deflated.length);
        List<Sample> ten = new ArrayList<>();
        for (int p = 0; p < 10; p++) {
            ten.addAll(poll("pm-001", 1_732_272_000_000L + 20L * p, 100, r));
        }
        byte[] batch = deflate(CompactTelemetry.encode("gw-bench-01", "pm-001", ten));
        assertTrue(batch.length < 10 * 460, "10 polls of 100 floats: " + batch.length);
        assertEquals(ten, CompactTelemetry.decode(CompactTelemetry.encode("gw-bench-01", "pm-001", ten)).samples());
    }

    @Test
    void damagedBodiesAreRefusedWithTheOffsetNeverWithAnotherException() {
        Random r = new Random(3);
        byte[] good = CompactTelemetry.encode("gw", "dev", poll("dev", 1000, 7, r));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(good, cut);
            if (cut < 3) {
                assertFalse(CompactTelemetry.isCompact(truncated));
            }
            assertThrows(IllegalArgumentException.class, () -> CompactTelemetry.decode(truncated), "cut at " + cut);
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] bad = good.clone();
            bad[2 + r.nextInt(bad.length - 2)] ^= (byte) (1 + r.nextInt(255));
            try {
                CompactTelemetry.decode(bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("compact telemetry body"), expected.getMessage());
            }
        }
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompactTelemetry.decode(trailing));
        assertTrue(e.getMessage().contains("after the last row"), e.getMessage());
        byte[] json = "{\"gateway\":\"g\"}".getBytes(StandardCharsets.UTF_8);
        assertFalse(CompactTelemetry.isCompact(json));
    }

    @Test
    void emptyBatchRoundTrips() {
        byte[] b = CompactTelemetry.encode("g", "d", List.of());
        CompactTelemetry.Body out = CompactTelemetry.decode(b);
        assertEquals(List.of(), out.samples());
        assertEquals("d", out.device());
    }

    static byte[] deflate(byte[] b) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(b);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
