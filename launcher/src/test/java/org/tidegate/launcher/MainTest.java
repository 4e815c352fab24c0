package org.tidegate.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The root command on the launcher's own class path: lib/ only, no tools/ (as on a board installed without them). */
class MainTest {
    record Result(int code, String out, String err) {
    }

    static Result tidegate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheBuiltInsAndSaysWhichToolsAreMissing() {
        Result help = tidegate("help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("  run ") && help.out().contains("  version ") && help.out().contains("  help "), help.out());
        assertTrue(help.out().matches("(?s).*\n  demo +\\(not installed: the distribution's tools/ folder is missing\\).*"), help.out());
        assertTrue(help.out().matches("(?s).*\n  ingest +\\(not installed: the distribution's cloud/ folder is missing\\).*"), help.out());
        Result demo = tidegate("demo", "--duration", "5");
        assertEquals(2, demo.code());
        assertTrue(demo.err().contains("\"demo\" is in the distribution's tools/ folder"), demo.err());
    }

    @Test
    void noCommandAndUnknownHelpTopicsAreUsageMistakes() {
        Result none = tidegate();
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("tidegate: which command?"), none.err());
        Result nope = tidegate("help", "nope");
        assertEquals(2, nope.code());
        assertTrue(nope.err().contains("'nope'"), nope.err());
        assertEquals("", nope.out());
        Result run = tidegate("run", "--home", "/nonexistent", "--log-level", "loud");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("tidegate run: Invalid value for option '--log-level'"), run.err());
        Result version = tidegate("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("tidegate "), version.out());
    }
}
