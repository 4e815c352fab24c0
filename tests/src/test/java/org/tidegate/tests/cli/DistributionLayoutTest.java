package org.tidegate.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distribution ships the gateway in lib/ and nothing it does not run: the demo broker (Moquette and what it
 * drags in), j2mod and the benchmarks live in tools/, which bin/tidegate uses only for demo, bench and help.
 */
@Timeout(120)
class DistributionLayoutTest {
    static final Path DIST = Path.of("../launcher/target/tidegate").toAbsolutePath().normalize();

    /** Jar name prefixes that must never be in the gateway runtime's lib/ (lower case). */
    static final List<String> FORBIDDEN = List.of("moquette", "netty", "bugsnag", "h2", "hikaricp", "metrics-",
            "librato", "j2mod", "tidegate-demo", "tidegate-bench", "tidegate-lab", "tidegate-test-support",
            "tidegate-ingest", "postgresql", "flyway", "checker-qual");

    static List<String> jars(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    @Test
    void libHoldsNoDemoBrokerNoJ2modNoBenchmarks() throws IOException {
        List<String> lib = jars(DIST.resolve("lib"));
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("tidegate-launcher-")), lib.toString());
        List<String> bad = lib.stream()
                .filter(n -> FORBIDDEN.stream().anyMatch(f -> n.toLowerCase(Locale.ROOT).startsWith(f))).toList();
        assertEquals(List.of(), bad, "forbidden jars in " + DIST.resolve("lib"));
    }

    @Test
    void toolsHoldTheDemoAndTheBenchAndNoCopyOfLib() throws IOException {
        List<String> tools = jars(DIST.resolve("tools"));
        for (String prefix : List.of("tidegate-demo-", "tidegate-bench-", "tidegate-lab-", "j2mod-")) {
            assertTrue(tools.stream().anyMatch(n -> n.startsWith(prefix)), prefix + " missing from tools/: " + tools);
        }
        List<String> lib = jars(DIST.resolve("lib"));
        assertEquals(List.of(), tools.stream().filter(lib::contains).toList(), "jars in both lib/ and tools/");
        assertFalse(tools.stream().anyMatch(n -> n.startsWith("tidegate-test-support")), "test support shipped: " + tools);
    }

    /** picocli runs the command line: it is in lib/; its code generator is a build tool and is shipped nowhere. */
    @Test
    void libHoldsPicocliAndNothingShipsItsGenerator() throws IOException {
        assertTrue(jars(DIST.resolve("lib")).stream().anyMatch(n -> n.startsWith("picocli-4.")), jars(DIST.resolve("lib")).toString());
        for (String dir : List.of("lib", "tools")) {
            assertEquals(List.of(), jars(DIST.resolve(dir)).stream()
                    .filter(n -> n.startsWith("picocli-codegen") || n.startsWith("asciidoctor") || n.startsWith("jruby")).toList(), dir);
        }
    }

    /**
     * The build generates share/ for the Debian package: a man page per command (and per benchmark) and the bash
     * completion script, from the same picocli model the launcher runs; the script really completes in bash.
     */
    @Test
    void shareHoldsAManPagePerCommandAndACompletionThatCompletes() throws Exception {
        String help = tidegate("help");
        List<String> commands = help.lines().map(String::strip).dropWhile(l -> !l.equals("Commands:")).skip(1)
                .takeWhile(l -> !l.isEmpty()).filter(l -> Character.isLetter(l.charAt(0)) && l.contains(" "))
                .map(l -> l.substring(0, l.indexOf(' '))).toList();
        assertTrue(commands.containsAll(List.of("run", "validate", "demo", "bench", "help")), commands.toString());
        Path man = DIST.resolve("share/man/man1");
        String root = Files.readString(man.resolve("tidegate.1"));
        assertTrue(root.contains(".TH \"TIDEGATE\" \"1\""), root.substring(0, Math.min(root.length(), 600)));
        for (String c : commands) {
            Path page = man.resolve("tidegate-" + c + ".1");
            assertTrue(Files.exists(page), "no man page for " + c + " in " + man);
            assertTrue(root.contains(c.replace("-", "\\-")), "tidegate(1) does not list " + c); // troff escapes -
        }
        String demo = Files.readString(man.resolve("tidegate-demo.1"));
        assertTrue(demo.contains(".TH \"TIDEGATE\\-DEMO\" \"1\"") && demo.contains("\\-\\-duration"), demo);
        assertTrue(Files.exists(man.resolve("tidegate-bench-gpio.1")), "benchmarks get pages too");
        assertTrue(Files.readString(DIST.resolve("share/zsh/vendor-completions/_tidegate")).startsWith("#compdef tidegate\n"));

        Path script = DIST.resolve("share/bash-completion/completions/tidegate");
        assertEquals("demo", complete(script, "tidegate", "de"));
        assertEquals("--duration", complete(script, "tidegate", "demo", "--du"));
        assertEquals("trace debug info warn error", complete(script, "tidegate", "run", "--log-level", ""));
        assertEquals("gpio", complete(script, "tidegate", "bench", "gp"));
    }

    /** What bash's completion offers for the last word, with the shipped script loaded. */
    static String complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String array = java.util.Arrays.stream(words).map(w -> "'" + w + "'").collect(java.util.stream.Collectors.joining(" "));
        String program = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_tidegate 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Process p = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    /** The console is part of the gateway; the Prometheus client it uses is inside its bundle, not beside it. */
    @Test
    void theConsoleIsInTheRuntimeWithItsMetricsLibraryInside() throws IOException {
        List<String> lib = jars(DIST.resolve("lib"));
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("tidegate-console-")), "tidegate-console missing: " + lib);
        assertEquals(List.of(), lib.stream().filter(n -> n.startsWith("prometheus-")).toList(),
                "the Prometheus client belongs inside tidegate-console");
        Path launcher;
        try (Stream<Path> s = Files.list(DIST.resolve("lib"))) {
            launcher = s.filter(p -> p.getFileName().toString().startsWith("tidegate-launcher-")).findFirst().orElseThrow();
        }
        Properties runtime = new Properties();
        try (JarFile jar = new JarFile(launcher.toFile());
                InputStream in = jar.getInputStream(jar.getEntry("org/tidegate/launcher/runtime.properties"))) {
            runtime.load(in);
        }
        assertTrue(List.of(runtime.getProperty("bundles").split("\\s*,\\s*")).contains("tidegate-console"),
                runtime.getProperty("bundles"));
    }

    /** The cloud-side ingest service and its PostgreSQL driver and Flyway: cloud/, never lib/ or a second copy in tools/. */
    @Test
    void cloudHoldsTheIngestServiceAndNoCopyOfLibOrTools() throws IOException {
        List<String> cloud = jars(DIST.resolve("cloud"));
        for (String prefix : List.of("tidegate-ingest-", "postgresql-", "flyway-core-", "flyway-database-postgresql-")) {
            assertTrue(cloud.stream().anyMatch(n -> n.startsWith(prefix)), prefix + " missing from cloud/: " + cloud);
        }
        List<String> lib = jars(DIST.resolve("lib"));
        List<String> tools = jars(DIST.resolve("tools"));
        assertEquals(List.of(), cloud.stream().filter(n -> lib.contains(n) || tools.contains(n)).toList(),
                "jars of cloud/ also in lib/ or tools/");
    }

    @Test
    void runtimeInstallsNoToolBundle() throws IOException {
        Path launcher;
        try (Stream<Path> s = Files.list(DIST.resolve("lib"))) {
            launcher = s.filter(p -> p.getFileName().toString().startsWith("tidegate-launcher-")).findFirst().orElseThrow();
        }
        Properties runtime = new Properties();
        try (JarFile jar = new JarFile(launcher.toFile());
                InputStream in = jar.getInputStream(jar.getEntry("org/tidegate/launcher/runtime.properties"))) {
            runtime.load(in);
        }
        String bundles = runtime.getProperty("bundles");
        // The serial protocols of issue 15 run in the gateway, like Modbus, and their jars ship in lib/.
        List<String> lib = jars(DIST.resolve("lib"));
        for (String yes : List.of("tidegate-driver-modbus", "tidegate-driver-dlt645", "tidegate-driver-sl651")) {
            assertTrue(List.of(bundles.split("\\s*,\\s*")).contains(yes), yes + " not in runtime.properties bundles: " + bundles);
            assertTrue(lib.stream().anyMatch(n -> n.startsWith(yes + "-")), yes + " jar not in lib/: " + lib);
        }
        for (String no : List.of("j2mod", "moquette", "tidegate-demo", "tidegate-bench", "tidegate-lab", "tidegate-cloud")) {
            assertFalse(bundles.contains(no), no + " in runtime.properties bundles: " + bundles);
        }
    }

    @Test
    void benchAndDemoRunFromTheDistribution() throws Exception {
        String help = tidegate("help");
        assertTrue(help.contains("  bench ") && help.contains("  demo "), help);
        String list = tidegate("bench");
        for (String name : List.of("store", "crypto", "uplink", "modbus", "gpio", "pipeline", "gateway")) {
            assertTrue(list.contains("  " + name + " "), name + " not listed:\n" + list);
        }
        assertTrue(tidegate("demo", "--help").startsWith("Usage: tidegate demo"));
        // A short real run: tiny sizes, a few seconds; the last line is the JSON report.
        String out = tidegate("bench", "gpio", "--runs", "1", "--pulses", "2000", "--polls", "500").trim();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertTrue(last.startsWith("{\"benchmark\":\"gpio\"") && last.contains("pulsesPerSecond"), out);
    }

    /**
     * `bench uplink` end to end at a tiny size: the live path, the stored backlog and the path with frames sealed
     * beforehand each deliver every message (a run that loses one throws instead of printing its rate).
     */
    @Test
    void benchUplinkMeasuresTheLivePathTheDrainAndFramesSealedBeforehand() throws Exception {
        String out = tidegate("bench", "uplink", "--runs", "1", "--messages", "300").trim();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertTrue(last.startsWith("{\"benchmark\":\"uplink\""), out);
        for (String figure : List.of("throughput", "drainThroughput", "presealedThroughput")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + figure + "\":([0-9.]+)").matcher(last);
            assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, figure + " missing or not positive: " + last);
        }
    }

    /**
     * bin/tidegate gives `run` its memory shape (docs/performance.md, "Round 4"): the fixed 20 MB young generation
     * with 5 MB survivor spaces is there at the default heap and at -Xmx64m, and left out, so that the JVM still
     * starts, when JAVA_OPTS asks for a heap too small for it or sizes the heap itself.
     */
    @Test
    void runGetsTheYoungGenerationUnlessJavaOptsSizeTheHeapBelowIt() throws Exception {
        for (String opts : List.of("", "-Xmx64m", "-Xmx1g")) {
            String flags = runFlags(opts);
            assertTrue(flags.contains("-XX:MaxNewSize=20971520") && flags.contains("-XX:SurvivorRatio=2")
                    && flags.contains("-XX:-ShrinkHeapInSteps"), "JAVA_OPTS=" + opts + ": " + flags);
        }
        for (String opts : List.of("-Xmx32m", "-XX:MaxHeapSize=16m", "-Xmx96m -Xms64m", "-Xmx96m -Xmn8m")) {
            String flags = runFlags(opts);
            assertFalse(flags.contains("-XX:SurvivorRatio=2"), "JAVA_OPTS=" + opts + ": " + flags);
            assertTrue(flags.contains("-XX:-ShrinkHeapInSteps"), "JAVA_OPTS=" + opts + ": " + flags);
        }
    }

    /** The JVM's flags line of `bin/tidegate run --help` with these JAVA_OPTS (exits 0, starts no gateway). */
    private static String runFlags(String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(DIST.resolve("bin/tidegate").toString(), "run", "--help")
                .redirectErrorStream(true);
        pb.environment().put("JAVA_OPTS", javaOpts + " -XX:+PrintCommandLineFlags");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "JAVA_OPTS=" + javaOpts + ":\n" + out);
        return out.lines().findFirst().orElse("");
    }

    static String tidegate(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/tidegate").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(p.exitValue() == 0 || args.length == 1 && args[0].equals("bench"), String.join(" ", args) + ":\n" + out);
        return out;
    }
}
