package org.tidegate.launcher;

import java.io.PrintStream;
import java.util.List;
import org.tidegate.core.cli.CommandLines;
import picocli.CommandLine;

/** {@code tidegate COMMAND ...}: the one entry point; the commands are {@link TidegateCommand}'s subcommands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        int code = run(List.of(argv), System.out, System.err);
        Logging.shutdown();
        System.exit(code);
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandLine root = new CommandLine(new TidegateCommand());
        return CommandLines.execute(root, argv, out, err, command -> {
            // `run` configures logging itself (console and the home's log file), once it knows the home.
            if (!command.getCommandName().equals("run")) {
                Logging.console(System.getProperty("tidegate.log.level", "warn"));
            }
        });
    }
}
