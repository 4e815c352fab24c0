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
import org.tidegate.core.cli.CommandLines;

/** The benchmark is registered and runs (tiny sizes); its figures are not asserted. */
class GpioBenchmarkTest {
    @Test
    void registeredAndPrintsJsonLast() throws Exception {
        Benchmark b = ServiceLoader.load(Benchmark.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("gpio")).findFirst().orElseThrow();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int rc = CommandLines.execute(b, List.of("--runs", "1", "--pulses", "2000", "--polls", "500"),
                new PrintStream(buf, true, StandardCharsets.UTF_8), err);
        assertEquals(0, rc);
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertTrue(lines[0].startsWith("tidegate bench gpio — GPIO driver on the mock provider"), lines[0]);
        assertTrue(lines[1].startsWith("machine: "), lines[1]);
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("{\"benchmark\":\"gpio\"") && last.contains("pulsesPerSecond"), last);
        // A bad option is a usage mistake: exit 2, the message and the usage with the options on stderr.
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        assertEquals(2, CommandLines.execute(b, List.of("--bogus"), new PrintStream(none, true, StandardCharsets.UTF_8),
                new PrintStream(bad, true, StandardCharsets.UTF_8)));
        String text = bad.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("tidegate gpio: Unknown option: '--bogus'") && text.contains("--pulses=N"), text);
        assertEquals("", none.toString(StandardCharsets.UTF_8), "nothing is measured after a usage mistake");
    }
}
