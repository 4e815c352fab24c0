package org.tidegate.core.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Runs tidegate's command line of {@link PicocliCommand}s on picocli with one set of rules: exit 0 on success, 1 for a
 * failure the user can fix, 2 for a usage mistake; a usage mistake is printed as {@code tidegate CMD: MESSAGE}, then
 * the command's usage, on stderr; {@code help CMD}, {@code CMD --help}
 * print the usage on stdout. The launcher builds the tree of all commands; a module's tests run one command.
 */
public final class CommandLines {
    private CommandLines() {
    }

    /** A {@link PicocliCommand} for picocli, with {@code -h/--help} added when it declares no help option. */
    public static CommandLine of(PicocliCommand command) {
        CommandLine cl = new CommandLine(command);
        CommandSpec spec = cl.getCommandSpec();
        if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help and exit").build());
        }
        return cl;
    }

    /** Runs one command on its own (its name is not among {@code args}), as the module's tests do. */
    public static int execute(PicocliCommand command, List<String> args, PrintStream out, PrintStream err) {
        CommandLine cl = of(command);
        cl.getCommandSpec().name("tidegate " + cl.getCommandName());
        return execute(cl, args, out, err, c -> { });
    }

    /**
     * Parses {@code argv} against {@code root} and its subcommands and runs the command it names.
     *
     * @param beforeRun called with the chosen command just before it runs (not for help or usage errors)
     */
    public static int execute(CommandLine root, List<String> argv, PrintStream out, PrintStream err,
            Consumer<CommandLine> beforeRun) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        root.setOut(outWriter);
        root.setErr(errWriter);
        // An argument starting with @ is data here (a JSON command, a file), not picocli's argument file.
        root.setExpandAtFiles(false);
        // The descriptions are written as lines of up to 100 characters.
        root.setUsageHelpWidth(110);
        root.setParameterExceptionHandler((e, args) -> usageError(e.getCommandLine(), e, errWriter));
        root.setExecutionExceptionHandler((e, cl, parsed) -> {
            errWriter.println(cl.getCommandSpec().qualifiedName() + ": " + e);
            if (System.getProperty("tidegate.debug") != null) {
                e.printStackTrace(errWriter);
            }
            return 1;
        });
        root.setExecutionStrategy(parsed -> run(parsed, out, err, beforeRun));
        int code = root.execute(argv.toArray(String[]::new));
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    private static int run(ParseResult parsed, PrintStream out, PrintStream err, Consumer<CommandLine> beforeRun) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        CommandLine cl = leaf.commandSpec().commandLine();
        Object command = cl.getCommand();
        beforeRun.accept(cl);
        try {
            if (command instanceof PicocliCommand c) {
                return c.run(out, err);
            }
            if (command instanceof Runnable r) {
                r.run();
                return 0;
            }
            throw new IllegalStateException("cannot run " + command.getClass());
        } catch (Args.UsageException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        } catch (ParameterException e) {
            throw e;
        } catch (Exception e) {
            throw new CommandLine.ExecutionException(cl, e.toString(), e);
        }
    }

    private static int usageError(CommandLine cl, ParameterException e, PrintWriter err) {
        String name = cl.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !cl.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command \"" + u.getUnmatched().get(0) + "\"";
        }
        List<String> unmatched = cl.getUnmatchedArguments();
        if (e instanceof CommandLine.MissingParameterException && !unmatched.isEmpty() && unmatched.get(0).startsWith("-")) {
            // picocli checks required options before unknown ones: a mistyped option name is the mistake to report
            message = "Unknown option: '" + unmatched.get(0) + "'";
        }
        err.println(name + ": " + message);
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println();
        cl.usage(err);
        return 2;
    }
}
