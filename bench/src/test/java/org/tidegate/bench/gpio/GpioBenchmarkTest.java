package org.tidegate.bench.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.tidegate.bench.Benchmark;

/** The benchmark is registered and runs (tiny sizes); its figures are not asserted. */
class GpioBenchmarkTest {
    @Test
    void registeredAndPrintsJsonLast() throws Exception {
        Benchmark b = ServiceLoader.load(Benchmark.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("gpio")).findFirst().orElseThrow();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = b.run(List.of("--runs", "1", "--pulses", "2000", "--polls", "500"), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("{\"benchmark\":\"gpio\"") && last.contains("pulsesPerSecond"), last);
        // A bad option is refused; `tidegate bench` turns it into exit status 2 with the usage line.
        org.junit.jupiter.api.Assertions.assertThrows(org.tidegate.core.cli.Args.UsageException.class,
                () -> b.run(List.of("--bogus"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(b.usage().startsWith("tidegate bench gpio"));
    }
}
