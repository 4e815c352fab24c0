package org.tidegate.tests.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.tests.probe.ProbeReloader.WARNING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.model.Device;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import org.tidegate.launcher.GatewayRuntime;

/**
 * {@code validate} and {@code run} agree: every case of a corpus of broken homes (and the shipped example
 * with small valid changes) is checked by validation on the class path ({@link HomeLoader}, what
 * {@code tidegate validate} and {@code tidegate run}'s pre-check call) and by the running gateway itself (its
 * config bundle, with the schemas it finds in the framework's bundles). Both must report exactly the same
 * errors; a case both accept must run: every device it configures is polled.
 *
 * <p>One runtime serves the whole corpus (the gateway re-checks its home on demand, as its file scan does),
 * so a case that is refused leaves the previous configuration running, as in the field.
 */
@Timeout(300)
class ValidateRunAgreementTest {
    static final Path EXAMPLE = Path.of("../config/examples/riverside").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();
    /** A free port for the SL 651 receiver case, found once (corpus() is built twice). */
    static final int SL651_PORT = freePort();

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TempDir
    Path tmp;
    private GatewayRuntime runtime;

    /**
     * A change to the base home; {@code error} is a fragment every validation must report, null = valid;
     * {@code warning} one every validation must warn with, or null.
     */
    record Case(String name, Edit edit, String error, String warning) {
        Case(String name, Edit edit, String error) {
            this(name, edit, error, null);
        }
    }

    interface Edit {
        void apply(Home h) throws Exception;
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("the shipped example, provisioned", h -> { }, null));
        c.add(new Case("typo in a profile channel key", h -> h.channel("profiles/radar-level.json", 4).put("scael", 2),
                "profiles/radar-level.json: $.channels[4].scael: unknown key (did you mean \"scale\"?)"));
        c.add(new Case("unknown data type", h -> h.channel("profiles/radar-level.json", 0).put("type", "float33"),
                "profiles/radar-level.json: $.channels[0].type: \"float33\" is not a data type (did you mean \"float32\"?)"));
        c.add(new Case("a length on a type whose size is fixed", h -> h.channel("profiles/radar-level.json", 0).put("length", 3),
                "profiles/radar-level.json: $.channels[0].length: applies to string channels only; a "));
        c.add(new Case("a protocol no driver serves", h -> h.write("devices/line-1.json", """
                { "id": "line-1", "protocol": "serial", "connection": { "port": "/dev/ttyS9" },
                  "channels": [ { "id": "raw", "address": "0", "type": "string", "length": 4 } ] }"""),
                "devices/line-1.json: $.protocol: \"serial\" is not a protocol of this gateway; protocols with a driver:"
                        + " [dlt645, gpio, memory, modbus, sl651]")); // sorted alike in both (memory: a test driver)
        c.add(new Case("GPIO channel with access write and no mode is an output", h -> {
            ArrayNode channels = (ArrayNode) h.json("profiles/siren-relay.json").get("channels");
            channels.addObject().put("id", "strobe").put("address", "gpio:23").put("type", "bool").put("access", "write");
        }, null));
        c.add(new Case("private key readable by others", h -> Files.setPosixFilePermissions(
                h.home.resolve("keys/gateway.key.pem"), PosixFilePermissions.fromString("rw-r--r--")),
                "gateway.json: $.security.privateKey: private key"));
        c.add(new Case("typo in an edge rule of a device override", h -> {
            ObjectNode rules = (ObjectNode) h.json("devices/wl-001.json").get("channels").get("level").get("rules");
            rules.set("maxSilentMS", rules.remove("maxSilentMs"));
        }, "devices/wl-001.json: $.channels.level.rules.maxSilentMS: unknown key (did you mean \"maxSilentMs\"?)"));
        c.add(new Case("typo deep in a threshold action", h -> {
            ObjectNode action = (ObjectNode) h.json("devices/wl-001.json").at("/channels/level/rules/thresholds/0/actions/0");
            action.set("chanel", action.remove("channel"));
        }, "devices/wl-001.json: $.channels.level.rules.thresholds[0].actions[0].chanel: unknown key (did you mean \"channel\"?)"));
        c.add(new Case("typo in a connection key", h -> {
            ObjectNode conn = (ObjectNode) h.json("devices/pm-001.json").get("connection");
            conn.set("hots", conn.remove("host"));
        }, "devices/pm-001.json: $.connection.hots: unknown key (did you mean \"host\"?)"));
        c.add(new Case("misspelt enum value in a connection", h -> ((ObjectNode) h.json("devices/wl-001.json").get("connection"))
                .put("parity", "evn"), "devices/wl-001.json: $.connection.parity: \"evn\" is not one of"));
        c.add(new Case("misspelt GPIO mode", h -> h.channel("profiles/smoke-detector.json", 0).put("mode", "inptu"),
                "profiles/smoke-detector.json: $.channels[0].mode: \"inptu\" is not one of"));
        c.add(new Case("typo in a gateway.json section", h -> ((ObjectNode) h.json("gateway.json").get("broker"))
                .put("keepAliveSecs", 10), "gateway.json: $.broker.keepAliveSecs: unknown key (did you mean \"keepAliveSeconds\"?)"));
        c.add(new Case("typo in a section name", h -> {
            ObjectNode g = h.json("gateway.json");
            g.set("telemtry", g.remove("telemetry"));
        }, "gateway.json: $.telemtry: unknown key (did you mean \"telemetry\"?)"));
        c.add(new Case("override of a channel the profile does not have", h -> ((ObjectNode) h.json("devices/wl-001.json")
                .get("channels")).putObject("levle").put("scale", 2),
                "devices/wl-001.json: $.channels.levle: the profile has no channel \"levle\""));
        c.add(new Case("action on a device that does not exist", h -> ((ObjectNode) h.json("devices/wl-001.json")
                .at("/channels/level/rules/thresholds/0/actions/0")).put("device", "siren-99"),
                "action targets device \"siren-99\""));
        c.add(new Case("write on an input register", h -> h.channel("profiles/radar-level.json", 4).put("address", "ir:4").put("access", "readwrite"),
                "profiles/radar-level.json: $.channels[4].access"));
        c.add(new Case("a device of the test driver defined under tests/ (its own protocol and schema)", h -> h.write(
                "devices/mem-1.json", """
                { "id": "mem-1", "protocol": "memory", "pollIntervalMs": 200, "timeoutMs": 50, "retries": 0,
                  "connection": { "startAt": 100 },
                  "channels": [ { "id": "level", "address": "m:0", "type": "float64", "unit": "m" } ] }"""), null));
        c.add(new Case("a typo in the test driver's own connection key", h -> h.write("devices/mem-1.json", """
                { "id": "mem-1", "protocol": "memory", "connection": { "startAtt": 100 },
                  "channels": [ { "id": "level", "address": "m:0", "type": "float64" } ] }"""),
                "devices/mem-1.json: $.connection.startAtt: unknown key (did you mean \"startAt\"?)"));
        c.add(new Case("two devices on one serial port with different line settings", h -> h.write("devices/wl-002.json", """
                { "id": "wl-002", "profile": "radar-level", "pollIntervalMs": 1000, "timeoutMs": 300, "retries": 1,
                  "connection": { "transport": "rtu", "port": "/dev/ttyUSB0", "baud": 19200, "unit": 2 } }"""),
                "devices/wl-002.json: $.connection: serial port /dev/ttyUSB0 is also used by device wl-001 as 9600 8N1, not 19200 8N1"));
        c.add(new Case("two devices sharing one serial bus properly", h -> h.write("devices/wl-002.json", """
                { "id": "wl-002", "profile": "radar-level", "pollIntervalMs": 1000, "timeoutMs": 300, "retries": 1,
                  "connection": { "transport": "rtu", "port": "/dev/ttyUSB0", "baud": 9600, "unit": 2 } }"""), null));
        c.add(new Case("a DL/T 645 meter (issue 15), block read and time sync", h -> h.write("devices/em-001.json", """
                { "id": "em-001", "protocol": "dlt645", "pollIntervalMs": 1000, "timeoutMs": 200, "retries": 0,
                  "connection": { "port": "/dev/ttyUSB7", "address": "000000000001", "timeSyncMinutes": 60 },
                  "channels": [ { "id": "power", "address": "02030000", "format": "XX.XXXX", "unit": "kW" },
                                { "id": "ua", "address": "02010100", "format": "XXX.X", "unit": "V" },
                                { "id": "ub", "address": "02010200", "format": "XXX.X", "unit": "V" } ] }"""), null));
        c.add(new Case("a bad DL/T 645 data format", h -> h.write("devices/em-001.json", """
                { "id": "em-001", "protocol": "dlt645",
                  "connection": { "port": "/dev/ttyUSB7", "address": "000000000001" },
                  "channels": [ { "id": "power", "address": "02030000", "format": "XX.XXX" } ] }"""),
                "devices/em-001.json: $.channels[0].format: format \"XX.XXX\" has 5 digits"));
        c.add(new Case("a DL/T 645 meter on a Modbus bus at another speed", h -> h.write("devices/em-001.json", """
                { "id": "em-001", "protocol": "dlt645",
                  "connection": { "port": "/dev/ttyUSB0", "address": "000000000001" },
                  "channels": [ { "id": "power", "address": "02030000", "format": "XX.XXXX" } ] }"""),
                "$.connection: serial port /dev/ttyUSB0 is also used by device"));
        c.add(new Case("an SL 651 station reporting over TCP (issue 15)", h -> h.write("devices/hs-001.json", """
                { "id": "hs-001", "protocol": "sl651", "pollIntervalMs": 500,
                  "connection": { "transport": "tcp", "bind": "127.0.0.1", "listenPort": %d, "station": "0011223344" },
                  "channels": [ { "id": "level", "address": "39", "unit": "m" } ] }""".formatted(SL651_PORT)), null));
        c.add(new Case("an SL 651 station on the port a Modbus device polls", h -> h.write("devices/hs-001.json", """
                { "id": "hs-001", "protocol": "sl651",
                  "connection": { "port": "/dev/ttyUSB0", "station": "0011223344" },
                  "channels": [ { "id": "level", "address": "39" } ] }"""),
                "devices/wl-001.json: $.connection: serial port /dev/ttyUSB0 receives SL 651 reports (device hs-001)"));
        c.add(new Case("a serial port that is not there now (a warning; the bus retries)", h -> ((ObjectNode) h.json(
                "devices/wl-001.json").get("connection")).put("port", "/dev/ttyUSB-not-plugged-in"), null,
                "devices/wl-001.json: $.connection.port: /dev/ttyUSB-not-plugged-in does not exist now"));
        c.add(new Case("a copied device file polling the same Modbus slave (a warning)", h -> h.write("devices/wl-002.json",
                Files.readString(h.home.resolve("devices/wl-001.json")).replace("\"wl-001\"", "\"wl-002\"")), null,
                "devices/wl-002.json: $.connection.unit: unit 1 on /dev/ttyUSB0 is polled by device wl-001 (devices/wl-001.json) too"));
        return c;
    }

    @Test
    void validateAndRunReportTheSameErrorsAndWhatValidatesRuns() throws Exception {
        Path base = tmp.resolve("base");
        Home.makeBase(base);
        Path home = tmp.resolve("home");
        Home.copy(base, home);
        assertTrue(HomeLoader.check(home).ok(), () -> "base home: " + HomeLoader.check(home).errors());

        Path probe = GatewayRuntime.bundlesOnClassPath().get("tidegate-test-probe");
        assertNotNull(probe, "probe bundle not on the test class path");
        runtime = new GatewayRuntime(home, Map.of("tidegate.config.scanSeconds", "0"), List.of(probe));
        BundleContext ctx = runtime.start().getBundleContext();

        List<String> failures = new ArrayList<>();
        for (Case c : corpus()) {
            Home.copy(base, home);
            Home h = new Home(home);
            c.edit().apply(h);
            h.save();
            LoadResult validated = HomeLoader.check(home);
            List<String> validateErrors = validated.errors().stream().map(Object::toString).toList();
            List<String> run = reloader(ctx).get();
            List<String> runErrors = run.stream().filter(p -> !p.startsWith(WARNING)).toList();
            if (!validateErrors.equals(runErrors)) {
                failures.add(c.name() + ": validate and run disagree:\n  validate " + validateErrors + "\n  run      " + runErrors);
                continue;
            }
            // The warnings about a device's connection (a serial port not there now, two devices on one slave) alike.
            List<String> validateWarnings = connectionWarnings(validated.warnings().stream().map(Object::toString).toList());
            List<String> runWarnings = connectionWarnings(run.stream().filter(p -> p.startsWith(WARNING))
                    .map(p -> p.substring(WARNING.length())).toList());
            if (!validateWarnings.equals(runWarnings)) {
                failures.add(c.name() + ": validate and run warn differently:\n  validate " + validateWarnings
                        + "\n  run      " + runWarnings);
                continue;
            }
            if (c.warning() != null && validateWarnings.stream().noneMatch(w -> w.contains(c.warning()))) {
                failures.add(c.name() + ": expected a warning containing " + c.warning() + ", got " + validateWarnings);
                continue;
            }
            if (c.error() != null) {
                if (validateErrors.stream().noneMatch(e -> e.contains(c.error()))) {
                    failures.add(c.name() + ": expected an error containing " + c.error() + ", got " + validateErrors);
                }
                continue;
            }
            if (!validated.ok()) {
                failures.add(c.name() + ": expected to validate, got " + validateErrors);
                continue;
            }
            String stalled = firstDeviceNotPolling(ctx, validated.config().devices());
            if (stalled != null) {
                failures.add(c.name() + ": validates, but device " + stalled + " does not run");
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
        assertEquals(28, corpus().size(), "corpus size (update when adding cases)");
    }

    private static List<String> connectionWarnings(List<String> warnings) {
        return warnings.stream().filter(w -> w.contains(": $.connection")).sorted().toList();
    }

    /** The first device whose poll count does not grow within 20 s, or null when all poll. */
    private static String firstDeviceNotPolling(BundleContext ctx, List<Device> devices) throws InterruptedException {
        Map<String, Long> before = new HashMap<>();
        devices.forEach(d -> before.put(d.id(), batches(ctx, d.id())));
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<String> waiting = new ArrayList<>(before.keySet());
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            waiting.removeIf(id -> batches(ctx, id) > before.get(id));
            Thread.sleep(100);
        }
        return waiting.isEmpty() ? null : waiting.get(0);
    }

    private static long batches(BundleContext ctx, String device) {
        Object n = ((Map<?, ?>) probe(ctx, "samples").get()).get(device);
        return n == null ? 0 : ((Number) n).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Supplier<List<String>> reloader(BundleContext ctx) {
        return (Supplier<List<String>>) probe(ctx, "reload");
    }

    private static Supplier<?> probe(BundleContext ctx, String which) {
        try {
            // getAll...: the system bundle is not wired to the probe's packages; java.* types are shared anyway.
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(Supplier.class.getName(), "(tidegate.probe=" + which + ")");
            assertNotNull(refs, "probe service " + which + " missing");
            return (Supplier<?>) ctx.getService(refs[0]);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** A home directory being edited: JSON files are loaded on first touch and written back by {@link #save}. */
    static final class Home {
        final Path home;
        final Map<String, ObjectNode> edited = new HashMap<>();

        Home(Path home) {
            this.home = home;
        }

        ObjectNode json(String file) throws IOException {
            if (!edited.containsKey(file)) {
                edited.put(file, (ObjectNode) JSON.readTree(home.resolve(file).toFile()));
            }
            return edited.get(file);
        }

        ObjectNode channel(String file, int i) throws IOException {
            JsonNode c = json(file).get("channels").get(i);
            return (ObjectNode) c;
        }

        void write(String file, String text) throws IOException {
            Files.writeString(home.resolve(file), text);
        }

        void save() throws IOException {
            for (Map.Entry<String, ObjectNode> e : edited.entrySet()) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(home.resolve(e.getKey()).toFile(), e.getValue());
            }
        }

        /**
         * The shipped example, provisioned with fresh keys, its network peers moved to this machine's loopback
         * (a port nobody listens on) so that nothing leaves the machine.
         */
        static void makeBase(Path base) throws Exception {
            copy(EXAMPLE, base);
            Home h = new Home(base);
            ObjectNode broker = (ObjectNode) h.json("gateway.json").get("broker");
            broker.put("url", "tcp://127.0.0.1:1");
            broker.remove("caFile");
            ((ObjectNode) h.json("devices/pm-001.json").get("connection")).put("host", "127.0.0.1").put("port", 1);
            h.save();
            java.security.KeyPair keys = SmKeys.generate();
            PemKeys.writePrivateKey(base.resolve("keys/gateway.key.pem"), keys.getPrivate(), false);
            PemKeys.writePublicKey(base.resolve("keys/gateway.pub.pem"), keys.getPublic(), false);
            PemKeys.writePublicKey(base.resolve("keys/cloud.pub.pem"), SmKeys.generate().getPublic(), false);
        }

        /** Makes {@code to}'s configuration files and keys those of {@code from} (files only in {@code to} go). */
        static void copy(Path from, Path to) throws IOException {
            for (String dir : List.of("profiles", "devices", "keys")) {
                Path d = to.resolve(dir);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> s = Files.list(d)) {
                        for (Path f : s.toList()) {
                            Files.delete(f);
                        }
                    }
                }
            }
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else if (!from.relativize(f).startsWith("data") && !from.relativize(f).startsWith("logs")) {
                        Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }
}
