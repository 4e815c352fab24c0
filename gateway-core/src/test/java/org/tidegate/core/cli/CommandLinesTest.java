package org.tidegate.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One set of rules for every command: exit codes, usage errors, help. */
class CommandLinesTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Command(name = "wait", description = "waits")
    static final class WaitCommand implements PicocliCommand {
        @Option(names = "--home", required = true, paramLabel = "DIR")
        String home;
        @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION")
        Duration duration;
        @Option(names = "--fail")
        boolean fail;
        @Option(names = "--conflict")
        boolean conflict;

        @Override
        public int run(PrintStream out, PrintStream err) throws Exception {
            if (conflict) {
                throw new Args.UsageException("--conflict cannot be used here");
            }
            if (fail) {
                throw new java.io.IOException("disk on fire");
            }
            out.println("home " + home + " for " + duration);
            return 0;
        }
    }

    /** Positional words taken as they are, @ included (no argument files). */
    @Command(name = "echo", description = "prints its arguments")
    final class EchoCommand implements PicocliCommand {
        @Option(names = "--loud", description = "exit 1")
        boolean loud;
        @picocli.CommandLine.Parameters(paramLabel = "WORDS")
        List<String> words = new ArrayList<>();

        @Override
        public int run(PrintStream out, PrintStream err) {
            echoRuns++;
            out.println(String.join(" ", words));
            return loud ? 1 : 0;
        }
    }

    @Command(name = "tidegate")
    static final class Root implements PicocliCommand {
        @Override
        public int run(PrintStream out, PrintStream err) {
            return 2;
        }
    }

    int echoRuns;

    int tidegate(String... args) {
        out.reset();
        err.reset();
        CommandLine root = new CommandLine(new Root());
        root.addSubcommand("wait", CommandLines.of(new WaitCommand()));
        root.addSubcommand("echo", CommandLines.of(new EchoCommand()));
        root.addSubcommand("help", new CommandLine(new CommandLine.HelpCommand()));
        return CommandLines.execute(root, List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), c -> { });
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parsedOptionsReachTheCommand() {
        assertEquals(0, tidegate("wait", "--home", "/tmp/x", "--duration", "90s"));
        assertEquals("home /tmp/x for PT1M30S\n", out());
        assertEquals(0, tidegate("wait", "--home=/tmp/y", "--duration=500ms"));
        assertEquals("home /tmp/y for PT0.5S\n", out());
    }

    @Test
    void usageMistakesExitTwoWithTheCommandNameAndItsUsageOnStderr() {
        assertEquals(2, tidegate("wait"));
        assertTrue(err().startsWith("tidegate wait: Missing required option: '--home=DIR'"), err());
        assertTrue(err().contains("Usage: tidegate wait [-h]"), err());
        assertEquals("", out());
        assertEquals(2, tidegate("wait", "--home", "h", "--bogus"));
        assertTrue(err().startsWith("tidegate wait: Unknown option: '--bogus'"), err());
        assertEquals(2, tidegate("wait", "--hmoe", "h"));
        assertTrue(err().startsWith("tidegate wait: Unknown option: '--hmoe'"), "the typo, not the missing --home: " + err());
        assertEquals(2, tidegate("wait", "--home", "h", "--duration", "-5"));
        assertTrue(err().startsWith("tidegate wait: Invalid value for option '--duration': must not be negative, got \"-5\""), err());
        assertEquals(2, tidegate("wait", "--home", "h", "--duration", "soon"));
        assertTrue(err().contains("must be a duration like 60, 60s, 500ms, 5m or 1h, got \"soon\""), err());
        // A mistake only the command can see is reported the same way.
        assertEquals(2, tidegate("wait", "--home", "h", "--conflict"));
        assertTrue(err().startsWith("tidegate wait: --conflict cannot be used here"), err());
        assertTrue(err().contains("Usage: tidegate wait"), err());
    }

    @Test
    void unknownCommandsAndUnknownHelpTopicsAreUsageErrors() {
        assertEquals(2, tidegate("wiat"));
        assertTrue(err().startsWith("tidegate: unknown command \"wiat\""), err());
        assertTrue(err().contains("wait"), "suggestion or list: " + err());
        assertEquals(2, tidegate("help", "nope"));
        assertTrue(err().contains("nope"), err());
        assertEquals("", out());
    }

    @Test
    void helpForEveryCommand() {
        assertEquals(0, tidegate("help"));
        assertTrue(out().contains("  wait  waits") && out().contains("  echo  prints its arguments"), out());
        assertEquals(0, tidegate("help", "wait"));
        assertTrue(out().startsWith("Usage: tidegate wait [-h] [--conflict] [--fail] [--duration=DURATION] --home=DIR"), out());
        assertEquals(0, tidegate("wait", "--help"));
        assertTrue(out().startsWith("Usage: tidegate wait"), out());
        assertEquals(0, tidegate("help", "echo"));
        assertTrue(out().startsWith("Usage: tidegate echo [-h] [--loud] [WORDS...]"), out());
        assertEquals(0, tidegate("echo", "a", "--help"));
        assertTrue(out().startsWith("Usage: tidegate echo"), out());
        assertEquals(0, echoRuns, "help does not run the command");
    }

    @Test
    void wordsStartingWithAtAreDataAndExitCodesAreTheCommands() {
        assertEquals(0, tidegate("echo", "a", "@b", "c"));
        assertEquals("a @b c\n", out());
        assertEquals(1, tidegate("echo", "--loud", "x"));
        assertEquals(2, tidegate("echo", "--quiet"));
        assertTrue(err().startsWith("tidegate echo: Unknown option: '--quiet'"), err());
        assertTrue(err().contains("Usage: tidegate echo"), err());
        assertEquals(2, echoRuns, "a usage mistake does not run the command");
    }

    @Test
    void failuresExitOneWithOneLine() {
        assertEquals(1, tidegate("wait", "--home", "h", "--fail"));
        assertEquals("tidegate wait: java.io.IOException: disk on fire\n", err());
    }

    @Test
    void oneCommandOnItsOwnAsModuleTestsRunIt() {
        assertEquals(2, CommandLines.execute(new WaitCommand(), List.of(), new PrintStream(out, true), new PrintStream(err, true)));
        assertTrue(err().startsWith("tidegate wait: Missing required option"), err());
    }
}
