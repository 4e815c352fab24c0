package org.tidegate.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged command line, run as a user would: separate processes, exit codes, output, signals. */
@Timeout(180)
class CommandLineTest {
    static final Path DIST = Path.of("../launcher/target/tidegate/bin/tidegate").toAbsolutePath().normalize();
    static final Path EXAMPLE = Path.of("../config/examples/riverside").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Result(int code, String out) {
    }

    static Result tidegate(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DIST.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void shippedExampleValidates() throws Exception {
        Result r = tidegate("validate", "--home", EXAMPLE.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("OK: gateway gw-riverside-01, 5 device(s)"), r.out());
    }

    @Test
    void brokenDeviceFileIsReportedWithFileAndPathAndExitsNonZero() throws Exception {
        Path home = copyExample();
        Files.writeString(home.resolve("devices/x.json"), """
                { "id": "x", "protocol": "modbus",
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1502, "unit": 1 },
                  "channels": [
                    { "id": "a", "address": "hr:0", "type": "uint16" },
                    { "id": "b", "address": "hr:1", "type": "uint16" },
                    { "id": "c", "address": "hr:70000", "type": "uint16" } ] }""");
        Result r = tidegate("validate", "--home", home.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("error: devices/x.json: $.channels[2].address: offset 70000 out of range 0-65535"), r.out());
        assertTrue(r.out().contains("1 error(s); nothing would be applied"), r.out());
    }

    /** Provision and validate share one broker URL rule: what provision writes validates, what run refuses it refuses. */
    @Test
    void provisionRefusesTheBrokerUrlsThatRunRefusesAndWritesNothing() throws Exception {
        Path home = tmp.resolve("gw");
        Path cloudKey = tmp.resolve("cloud.pub.pem");
        org.tidegate.crypto.PemKeys.writePublicKey(cloudKey, org.tidegate.crypto.SmKeys.generate().getPublic(), false);
        for (String[] c : List.of(new String[] {"mqtt://127.0.0.1:18830", "must start with tcp:// or ssl:// (write tcp:// for MQTT over TCP)"},
                new String[] {"mqtts://broker.example:8883", "must start with tcp:// or ssl:// (write ssl:// for MQTT over TLS)"},
                new String[] {"ws://127.0.0.1:8080", "(MQTT over WebSocket is not supported)"},
                new String[] {"tcp://127.0.0.1", "needs a host and a port"})) {
            Result r = tidegate("provision", "--home", home.toString(), "--id", "gw-x", "--broker", c[0],
                    "--cloud-key", cloudKey.toString());
            assertTrue(r.code() != 0, c[0] + ": " + r.out());
            assertTrue(r.out().contains("broker URL \"" + c[0] + "\" ") && r.out().contains(c[1]), c[0] + ": " + r.out());
            assertFalse(Files.exists(home.resolve("gateway.json")), c[0] + ": nothing is written");
        }
        Result ok = tidegate("provision", "--home", home.toString(), "--id", "gw-x", "--broker", "tcp://127.0.0.1:18830",
                "--cloud-key", cloudKey.toString());
        assertEquals(0, ok.code(), ok.out());
        Result validated = tidegate("validate", "--home", home.toString());
        assertEquals(0, validated.code(), validated.out());
        assertTrue(validated.out().contains("OK: gateway gw-x"), validated.out());
        assertFalse(validated.out().contains("error: gateway.json: $.broker.url"), validated.out());
    }

    @Test
    void usageErrorsExitTwoAndHelpListsCommands() throws Exception {
        Result help = tidegate("help");
        assertEquals(0, help.code());
        for (String c : List.of("run", "validate", "version", "bench")) {
            assertTrue(help.out().contains("  " + c + " "), "help lacks " + c + ":\n" + help.out());
        }
        assertEquals(2, tidegate("frobnicate").code());
        Result missing = tidegate("validate");
        assertEquals(2, missing.code());
        assertTrue(missing.out().contains("tidegate validate: Missing required option: '--home=DIR'"), missing.out());
        Result nope = tidegate("help", "nope");
        assertEquals(2, nope.code(), nope.out());
        assertTrue(nope.out().contains("nope"), nope.out());
        Result negative = tidegate("demo", "--duration", "-5");
        assertEquals(2, negative.code(), negative.out());
        assertTrue(negative.out().startsWith("tidegate demo: Invalid value for option '--duration': must not be negative"),
                negative.out());
        Result badBench = tidegate("bench", "gpio", "--bogus");
        assertEquals(2, badBench.code(), badBench.out());
        assertTrue(badBench.out().contains("tidegate bench gpio: Unknown option: '--bogus'"), badBench.out());
        assertTrue(badBench.out().contains("Usage: tidegate bench gpio [-h] [--polls=N] [--pulses=N] [--runs=N]"), badBench.out());
        Result demoHelp = tidegate("help", "demo");
        assertEquals(0, demoHelp.code(), demoHelp.out());
        assertTrue(demoHelp.out().startsWith("Usage: tidegate demo"), demoHelp.out());
        Result version = tidegate("version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("tidegate "), version.out());
    }

    /** Every command listed by help, whichever module it comes from, rejects an unknown option the same way. */
    @Test
    void everyCommandRejectsAnUnknownOptionTheSameWay() throws Exception {
        Result help = tidegate("help");
        List<String> names = help.out().lines().map(String::strip)
                .dropWhile(l -> !l.equals("Commands:")).skip(1).takeWhile(l -> !l.isEmpty())
                .filter(l -> !l.startsWith("(") && Character.isLetter(l.charAt(0)) && l.contains(" ") && !l.startsWith("help "))
                .map(l -> l.substring(0, l.indexOf(' '))).toList();
        assertTrue(names.containsAll(List.of("run", "validate", "provision", "keygen", "receive", "command", "simulate", "demo",
                "bench", "version")), names + "\n" + help.out());
        for (String name : names) {
            Result r = tidegate(name, "--bogus-option");
            assertEquals(2, r.code(), name + ":\n" + r.out());
            assertTrue(r.out().startsWith("tidegate " + name + ": "), name + ":\n" + r.out());
            assertTrue(r.out().toLowerCase(java.util.Locale.ROOT).contains("unknown option"), name + ":\n" + r.out());
        }
    }

    @Test
    void runStartsAndStopsCleanlyOnSigterm() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("devices"));
        Files.createDirectories(home.resolve("profiles"));
        Files.createDirectories(home.resolve("keys"));
        // The console off: with it, run on a home without identity waits for its provisioning form instead of
        // refusing (ConsoleBrowserTest provisions through it).
        Files.writeString(home.resolve("gateway.json"), """
                { "id": "gw-cli-1", "broker": { "url": "tcp://127.0.0.1:1" }, "console": { "enabled": false } }""");
        // A Modbus device nobody answers: its component must start, poll (bad samples) and stop cleanly.
        Files.writeString(home.resolve("devices/pm-9.json"), """
                { "id": "pm-9", "protocol": "modbus", "pollIntervalMs": 500, "timeoutMs": 200, "retries": 0,
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": 1, "unit": 1 },
                  "channels": [ { "id": "v", "address": "hr:0", "type": "float32", "unit": "V" } ] }""");
        // Not provisioned yet: refused before anything starts.
        Result unprovisioned = tidegate("run", "--home", home.toString());
        assertEquals(78, unprovisioned.code(), unprovisioned.out()); // EX_CONFIG: the unit does not restart it
        assertTrue(unprovisioned.out().contains("run `tidegate provision"), unprovisioned.out());
        java.security.KeyPair keys = org.tidegate.crypto.SmKeys.generate();
        org.tidegate.crypto.PemKeys.writePrivateKey(home.resolve("keys/gateway.key.pem"), keys.getPrivate(), false);
        org.tidegate.crypto.PemKeys.writePublicKey(home.resolve("keys/gateway.pub.pem"), keys.getPublic(), false);
        org.tidegate.crypto.PemKeys.writePublicKey(home.resolve("keys/cloud.pub.pem"), org.tidegate.crypto.SmKeys.generate().getPublic(), false);
        // A private key others can read: refused, naming the file.
        Path key = home.resolve("keys/gateway.key.pem");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Result exposed = tidegate("run", "--home", home.toString());
        assertEquals(78, exposed.code(), exposed.out());
        assertTrue(exposed.out().contains("gateway.key.pem"), exposed.out());
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Process p = new ProcessBuilder(DIST.toString(), "run", "--home", home.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        try {
            Path log = home.resolve("logs/tidegate.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains("running; started in"))) {
                Thread.sleep(200);
            }
            assertTrue(Files.readString(log).contains("running; started in"), Files.readString(tmp.resolve("out.txt")));
            long polled = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < polled && !Files.readString(log).contains("device=pm-9 started")) {
                Thread.sleep(200);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not exit after SIGTERM");
            String text = Files.readString(log);
            assertTrue(text.contains("device=pm-9 started"), text);
            assertTrue(text.contains("stop requested"), text);
            assertTrue(text.contains("device=pm-9 stopped"), text);
            assertTrue(text.contains("OSGi runtime stopped"), text);
            assertEquals(143, p.exitValue(), "exit status after SIGTERM (128 + 15)");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @Timeout(240)
    void demoShowsEveryDeviceAndAnAlarmRaisedAndCleared() throws Exception {
        Result r = tidegate("demo", "--duration", "60");
        assertEquals(0, r.code(), r.out());
        for (String device : List.of("wl-001", "pm-001", "rain-01", "smoke-01", "siren-01")) {
            assertTrue(r.out().contains("telemetry " + device), "no telemetry from " + device + ":\n" + r.out());
        }
        assertTrue(r.out().contains(">>> ALARM RAISED   level_warning"), r.out());
        assertTrue(r.out().contains(">>> ALARM CLEARED  level_warning"), r.out());
        // Its window follows the demo's clock (10 simulated minutes), so it clears once the river recedes.
        assertTrue(r.out().contains(">>> ALARM RAISED   level_rising_fast"), r.out());
        assertTrue(r.out().contains(">>> ALARM CLEARED  level_rising_fast"), r.out());
        assertTrue(r.out().contains(">>> ACTION    siren-01/siren -> true"), r.out());
        assertTrue(r.out().contains("refused: 0"), r.out());
    }

    /**
     * Ctrl-C (SIGINT) and SIGTERM on a real demo process: it exits within the grace time, prints its summary and
     * leaves no tidegate-demo-* directory (which holds the gateway's and the cloud's private keys) behind.
     */
    @Test
    @Timeout(240)
    void demoCleansUpAndSummarisesOnSigintAndSigterm() throws Exception {
        for (String signal : List.of("INT", "TERM")) {
            Path temp = Files.createDirectories(tmp.resolve("temp-" + signal));
            Path log = tmp.resolve("demo-" + signal + ".txt");
            ProcessBuilder pb = new ProcessBuilder(DIST.toString(), "demo").redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -Djava.io.tmpdir=" + temp);
            Process p = pb.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (System.nanoTime() < deadline && p.isAlive() && !Files.readString(log).contains("telemetry wl-001")) {
                    Thread.sleep(200);
                }
                String before = Files.readString(log);
                assertTrue(before.contains("telemetry wl-001"), before);
                List<Path> homes;
                try (var s = Files.list(temp)) {
                    homes = s.filter(f -> f.getFileName().toString().startsWith("tidegate-demo-")).toList();
                }
                assertEquals(1, homes.size(), homes.toString());
                assertTrue(Files.exists(homes.get(0).resolve("keys/gateway.key.pem")), "the home holds the keys while it runs");
                assertTrue(Files.exists(homes.get(0).resolve("cloud/cloud.key.pem")));

                Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start();
                assertEquals(0, kill.waitFor());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "demo did not exit after SIG" + signal);
                String out = Files.readString(log);
                assertEquals(signal.equals("INT") ? 130 : 143, p.exitValue(), "exit status 128 + signal\n" + out);
                assertTrue(out.contains("stop requested: shutting down"), out);
                assertTrue(out.contains("summary:"), out);
                assertTrue(out.contains("  wl-001 "), out);
                assertTrue(out.contains("refused: 0"), out);
                assertFalse(out.contains("Exception"), out);
                assertFalse(Files.exists(homes.get(0)), homes.get(0) + " left behind after SIG" + signal + ":\n" + out);
                try (var s = Files.list(temp)) {
                    List<Path> left = s.filter(f -> f.getFileName().toString().startsWith("tidegate-demo-")).toList();
                    assertEquals(List.of(), left, "demo homes left in the temp directory");
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private Path copyExample() throws IOException {
        Path home = tmp.resolve("example");
        try (var files = Files.walk(EXAMPLE)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = home.resolve(EXAMPLE.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return home;
    }
}
