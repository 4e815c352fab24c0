package org.tidegate.tests.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, as a technician meets it on a board: {@code tidegate} reached through symbolic links, provisioning as
 * root on the Debian package's layout (home /etc/tidegate, keys/ data/ logs/ linked to service-owned directories)
 * giving a service that starts as its own user, and {@code validate} (as root) and {@code run} (as the service
 * user) naming the same ownership problem with the same fix. Needs root (as CI runs): it creates the system user
 * {@value #USER} and runs the gateway as that user with runuser.
 */
@Timeout(300)
class FieldInstallTest {
    static final Path DIST = Path.of("../launcher/target/tidegate").toAbsolutePath().normalize();
    static final String USER = "tidegate-it";

    static Path base;
    static Path tidegate;

    record Result(int code, String out) {
    }

    @BeforeAll
    static void copyTheDistributionWhereTheServiceUserCanReadIt() throws Exception {
        // The checkout may sit under a directory only root can enter; a board has the runtime under /usr/share.
        base = Files.createTempDirectory(Path.of("/tmp"), "tidegate-install-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path share = Files.createDirectories(base.resolve("usr/share/tidegate"));
        run(List.of("cp", "-r", DIST.resolve("bin").toString(), DIST.resolve("lib").toString(), share.toString()), Map.of());
        // /usr/bin/tidegate -> ../share/tidegate/bin/tidegate, and /usr/local/bin/tidegate -> /usr/bin/tidegate
        Path usrBin = Files.createDirectories(base.resolve("usr/bin"));
        Files.createSymbolicLink(usrBin.resolve("tidegate"), Path.of("../share/tidegate/bin/tidegate"));
        Path localBin = Files.createDirectories(base.resolve("usr/local/bin"));
        Files.createSymbolicLink(localBin.resolve("tidegate"), usrBin.resolve("tidegate"));
        tidegate = localBin.resolve("tidegate");
    }

    @AfterAll
    static void removeTheCopy() throws IOException {
        if (base != null) {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theCommandWorksThroughAChainOfLinksWithAnyJavaOpts() throws Exception {
        Result r = run(List.of(tidegate.toString(), "version"), Map.of());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("tidegate "), r.out());
        // JAVA_OPTS adds to the defaults: a heap, and a collector of its own (the JVM refuses two collectors).
        Result heap = run(List.of(tidegate.toString(), "version"), Map.of("JAVA_OPTS", "-Xmx64m -Xss512k"));
        assertEquals(0, heap.code(), heap.out());
        Result gc = run(List.of(tidegate.toString(), "version"), Map.of("JAVA_OPTS", "-XX:+UseParallelGC"));
        assertEquals(0, gc.code(), gc.out());
    }

    @Test
    void rootProvisioningGivesTheServiceUserAGatewayThatStartsAndValidateAndRunAgreeOnOwnership() throws Exception {
        boolean root = "0".equals(run(List.of("id", "-u"), Map.of()).out().trim());
        if (!root) {
            if (System.getenv("CI") != null) {
                fail("CI runs as root; this test needs root to create " + USER + " and run the gateway as it");
            }
            Assumptions.abort("needs root");
        }
        if (run(List.of("id", USER), Map.of()).code() != 0) {
            Result add = run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER), Map.of());
            assertEquals(0, add.code(), add.out());
        }
        // The package's layout (postinst): configuration and state the service's, under /etc and /var.
        Path etc = base.resolve("etc/tidegate");
        Path state = base.resolve("var/lib/tidegate");
        Path log = base.resolve("var/log/tidegate");
        Files.createDirectories(etc);
        for (String d : List.of("keys", "data")) {
            Files.createDirectories(state.resolve(d));
            Files.createSymbolicLink(etc.resolve(d), state.resolve(d));
        }
        Files.createDirectories(log);
        Files.createSymbolicLink(etc.resolve("logs"), log);
        sh("chown -R " + USER + ": " + state + " " + log + " " + etc + " && chmod 0700 " + state.resolve("keys")
                + " && chmod 0750 " + etc);
        Result keygen = run(List.of(tidegate.toString(), "keygen", "--out", base.resolve("cloud").toString()), Map.of());
        assertEquals(0, keygen.code(), keygen.out());

        // As the README says, as root.
        Result prov = run(List.of(tidegate.toString(), "provision", "--home", etc.toString(), "--id", "gw-install-1",
                "--broker", "tcp://127.0.0.1:1", "--cloud-key", base.resolve("cloud.pub.pem").toString()), Map.of());
        assertEquals(0, prov.code(), prov.out());
        assertTrue(prov.out().contains("SM3 fingerprint: "), prov.out());
        Path key = state.resolve("keys/gateway.key.pem");
        assertEquals(USER, Files.getOwner(key).getName(), "private key owner");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(USER, Files.getOwner(etc.resolve("gateway.json")).getName(), "gateway.json owner");

        Result validate = run(List.of(tidegate.toString(), "validate", "--home", etc.toString()), Map.of());
        assertEquals(0, validate.code(), validate.out());
        assertTrue(validate.out().contains("file access checked for user " + USER), validate.out());

        // Root must not run it: it would leave root-owned files under data/.
        Result asRoot = run(List.of(tidegate.toString(), "run", "--home", etc.toString(), "--duration", "5s"), Map.of());
        assertEquals(78, asRoot.code(), asRoot.out());
        assertTrue(asRoot.out().contains("sudo -u " + USER + " tidegate run --home " + etc), asRoot.out());

        // The service user starts it (no journal here: the log file goes to logs/ -> /var/log/tidegate).
        Result service = asService("run", "--home", etc.toString(), "--duration", "8s");
        assertEquals(0, service.code(), service.out());
        assertTrue(service.out().contains("running; started in"), service.out());
        assertTrue(service.out().contains("public key SM3 fingerprint"), service.out());
        assertTrue(Files.exists(log.resolve("tidegate.log")), "no log file in " + log);

        // A key that root re-made by hand: validate (as root) and run (as the service) say the same, with the fix.
        sh("chown root:root " + key);
        String expected = "keys/gateway.key.pem: $: not readable by " + USER + ", who runs the gateway (owner root, mode 0600): "
                + "sudo chown " + USER + ": " + key.toRealPath();
        Result v2 = run(List.of(tidegate.toString(), "validate", "--home", etc.toString()), Map.of());
        assertEquals(1, v2.code(), v2.out());
        Result r2 = asService("run", "--home", etc.toString(), "--duration", "5s");
        assertEquals(78, r2.code(), r2.out());
        assertTrue(v2.out().contains(expected), "validate:\n" + v2.out() + "\nexpected: " + expected);
        assertTrue(r2.out().contains(expected), "run:\n" + r2.out() + "\nexpected: " + expected);
        sh("chown " + USER + ": " + key);

        // A file a root run left under data/: both name it.
        Path rootFile = state.resolve("data/queue.db-wal-by-root");
        Files.writeString(rootFile, "x");
        Files.setPosixFilePermissions(rootFile, PosixFilePermissions.fromString("rw-r--r--"));
        Result v3 = run(List.of(tidegate.toString(), "validate", "--home", etc.toString()), Map.of());
        Result r3 = asService("run", "--home", etc.toString(), "--duration", "5s");
        assertEquals(1, v3.code(), v3.out());
        assertEquals(78, r3.code(), r3.out());
        for (Result r : List.of(v3, r3)) {
            assertTrue(r.out().contains("queue.db-wal-by-root: $: not writable by " + USER), r.out());
        }
        Files.delete(rootFile);

        // A first-boot provisioning file: consumed once, the files go to the service user.
        Files.writeString(etc.resolve("provision.json"), "{\"id\": \"gw-install-1\", \"broker\": \"tcp://127.0.0.1:2\", "
                + "\"cloudKey\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(
                        Files.readString(base.resolve("cloud.pub.pem"))) + "}");
        Result first = run(List.of(tidegate.toString(), "provision", "--home", etc.toString(), "--first-boot",
                "--user", USER), Map.of());
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().contains("consumed and removed") && first.out().contains("SM3 fingerprint: "), first.out());
        assertTrue(!Files.exists(etc.resolve("provision.json")));
        assertTrue(Files.readString(etc.resolve("gateway.json")).contains("tcp://127.0.0.1:2"));
        Result again = run(List.of(tidegate.toString(), "provision", "--home", etc.toString(), "--first-boot"), Map.of());
        assertEquals(0, again.code(), again.out());
        assertTrue(again.out().contains("nothing to do"), again.out());
        assertEquals(0, asService("validate", "--home", etc.toString()).code());
    }

    private Result asService(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", USER, "--", tidegate.toString()));
        cmd.addAll(Arrays.asList(args));
        return run(cmd, Map.of());
    }

    private static void sh(String script) throws Exception {
        Result r = run(List.of("sh", "-c", script), Map.of());
        assertEquals(0, r.code(), script + ": " + r.out());
    }

    static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(base.toFile());
        pb.environment().remove("JOURNAL_STREAM");
        pb.environment().remove("NOTIFY_SOCKET");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        return new Result(p.exitValue(), out);
    }
}
