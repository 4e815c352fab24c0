package org.tidegate.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's {@code ./tidegate} on first use: it shows the build's progress module by module, passes no colour
 * codes through, builds with {@code package} (never {@code install} into ~/.m2), reports a failed build with its
 * errors, and does not build again while the distribution is fresh. Maven is replaced by a script replaying what
 * Maven 3.8.7 prints here in batch mode (including the ESC[0m codes it writes even then): a real first build takes
 * minutes and would rebuild the very distribution the other tests run.
 */
@Timeout(60)
class SourceScriptTest {
    static final Path SCRIPT = Path.of("../tidegate").toAbsolutePath().normalize();

    @TempDir
    Path checkout;

    record Result(int code, String out) {
    }

    Result run(String mvnScript, String... args) throws IOException, InterruptedException {
        Files.copy(SCRIPT, checkout.resolve("tidegate"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (!Files.exists(checkout.resolve("pom.xml"))) {
            Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        }
        Path mvn = checkout.resolve("fake-mvn");
        Files.writeString(mvn, mvnScript);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", checkout.resolve("tidegate").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MVN", mvn.toString());
        pb.environment().put("TMPDIR", Files.createDirectories(checkout.resolve("tmp")).toString());
        pb.environment().remove("TIDEGATE_NO_BUILD");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    static final String MAVEN = """
            #!/bin/sh
            echo "$@" >> "$(dirname "$0")/mvn-args"
            printf '\\033[0m\\033[0m[INFO] Scanning for projects...\\n'
            printf '[INFO] Downloaded from central: https://repo.example/a/a.jar (12 kB at 40 kB/s)\\n'
            printf '[INFO] --------------------< org.tidegate:tidegate-parent >--------------------\\n'
            printf '[INFO] Building tidegate edge gateway 0.1.0-SNAPSHOT                     [1/3]\\n'
            printf '[INFO] -----------------< org.tidegate:tidegate-gateway-core >-----------------\\n'
            printf '[INFO] Building tidegate gateway core: model, driver SPI, poll scheduler, pipeline seams 0.1.0-SNAPSHOT [2/3]\\n'
            printf '[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ tidegate-gateway-core ---\\n'
            printf '[INFO] ---------------------< org.tidegate:tidegate-bench >---------------------\\n'
            printf '[INFO] Building tidegate benchmarks (tidegate bench NAME) 0.1.0-SNAPSHOT    [3/3]\\n'
            """;

    static final String DIST = """
            mkdir -p launcher/target/tidegate/bin
            printf '#!/bin/sh\\necho "distribution ran: $*"\\nexit 3\\n' > launcher/target/tidegate/bin/tidegate
            chmod +x launcher/target/tidegate/bin/tidegate
            printf '[INFO] BUILD SUCCESS\\n\\033[0m\\033[0m'
            """;

    @Test
    void firstUseShowsProgressPerModuleWithoutColourCodesThenRunsTheCommand() throws Exception {
        Result r = run(MAVEN + DIST, "version", "--x");
        assertEquals(3, r.code(), "the command's own exit status:\n" + r.out());
        assertFalse(r.out().contains("\u001b"), "an ESC reached the terminal:\n" + r.out());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("tidegate: building the distribution"), r.out());
        assertTrue(lines.contains("tidegate: downloading dependencies (1 so far) ..."), r.out());
        assertTrue(lines.contains("tidegate: building   [1/3] tidegate-parent"), r.out());
        assertTrue(lines.contains("tidegate: building   [2/3] tidegate-gateway-core"), r.out());
        assertTrue(lines.contains("tidegate: building   [3/3] tidegate-bench"), r.out());
        assertTrue(r.out().contains("distribution ran: version --x"), r.out());
        String args = Files.readString(checkout.resolve("mvn-args"));
        assertTrue(args.contains("package") && !args.contains("install"), args);
        assertTrue(args.contains("-Dstyle.color=never"), args);
        try (var s = Files.list(checkout.resolve("tmp"))) {
            assertEquals(List.of(), s.toList(), "the log of a good build is removed");
        }

        // Fresh: no second build.
        Result again = run("#!/bin/sh\necho built again; exit 1\n", "version");
        assertEquals(3, again.code(), again.out());
        assertFalse(again.out().contains("building"), again.out());
    }

    @Test
    void aFailedBuildShowsItsErrorsKeepsTheLogAndExitsOne() throws Exception {
        Result r = run(MAVEN + """
                printf '\\033[1;31m[ERROR]\\033[m COMPILATION ERROR : Foo.java:[3,1] class, interface, enum, or record expected\\n'
                exit 1
                """, "demo");
        assertEquals(1, r.code(), r.out());
        assertFalse(r.out().contains("\u001b"), r.out());
        assertTrue(r.out().contains("tidegate: the build failed (mvn exit 1); the errors:"), r.out());
        assertTrue(r.out().contains("[ERROR] COMPILATION ERROR : Foo.java:[3,1]"), r.out());
        assertTrue(r.out().contains("tidegate: full log: " + checkout.resolve("tmp")), r.out());
        assertFalse(r.out().contains("distribution ran"), r.out());
    }
}
