package org.tidegate.launcher;

import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.cli.Subcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tidegate}: the root of the command line. Its subcommands are the built-in ones plus whatever the class
 * path contributes ({@link PicocliCommand} and {@link Subcommand} services), added by {@link AllCommands} when
 * picocli builds the model, so that the completion script and man page generators, which start from this class,
 * see the same commands as a user does. {@code demo} and {@code bench} come from the distribution's
 * {@code tools/} folder, which {@code bin/tidegate} puts on the class path only for them (and for {@code help}).
 */
@Command(name = "tidegate", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true,
        versionProvider = TidegateCommand.Version.class, modelTransformer = TidegateCommand.AllCommands.class,
        description = "Reads field sensors, runs edge rules, stores and forwards sealed (SM2/SM4) messages over MQTT.",
        footer = {"", "`tidegate help COMMAND` or `tidegate COMMAND --help` shows the options of one command.",
                "Exit status: 0 success, 1 a failure you can fix (bad input, unreachable peer), 2 a usage mistake."})
public final class TidegateCommand implements PicocliCommand {
    /** Commands that live in the distribution's tools/ folder, not in the gateway's lib/. */
    static final List<String> TOOL_COMMANDS = List.of("bench", "demo");

    @Spec
    CommandSpec spec;

    /** No command given: the overview, as a usage error. */
    @Override
    public int run(PrintStream out, PrintStream err) {
        err.println("tidegate: which command? (tidegate help lists them)");
        err.println();
        spec.commandLine().usage(err);
        return 2;
    }

    /** Every command by name: built-ins first, then picocli services, then {@link Subcommand} services. */
    static Map<String, Object> commands() {
        Map<String, Object> all = new TreeMap<>();
        for (PicocliCommand c : List.of(new RunCommand(), new VersionCommand())) {
            all.put(name(c), c);
        }
        for (PicocliCommand c : providers(PicocliCommand.class)) {
            all.putIfAbsent(name(c), c);
        }
        for (Subcommand s : providers(Subcommand.class)) {
            all.putIfAbsent(s.name(), s);
        }
        for (String tool : TOOL_COMMANDS) {
            all.putIfAbsent(tool, new ToolNotInstalled(tool));
        }
        return all;
    }

    /**
     * The providers that load. One that does not (e.g. a stale services file left in a module's target/classes
     * after its commands moved to the other SPI) costs a warning, not the whole command line.
     */
    private static <T> List<T> providers(Class<T> type) {
        List<T> found = new java.util.ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return found;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                System.err.println("tidegate: warning: a command could not be loaded (" + e.getMessage()
                        + "); a clean rebuild (mvn clean package) fixes a stale build");
            }
        }
    }

    private static String name(PicocliCommand c) {
        Command a = c.getClass().getAnnotation(Command.class);
        if (a == null || a.name().isEmpty() || a.name().equals(CommandSpec.DEFAULT_COMMAND_NAME)) {
            throw new IllegalStateException(c.getClass() + " implements PicocliCommand without @Command(name = ...)");
        }
        return a.name();
    }

    /** Adds the subcommands found on the class path, and {@code help} last. */
    public static final class AllCommands implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            if (spec.subcommands().containsKey("help")) {
                return spec; // picocli applies transformers again when this spec becomes part of a bigger one
            }
            spec.usageMessage().header("tidegate " + RuntimeSettings.load().version()
                    + " — edge gateway for field sensing terminals");
            commands().forEach((name, command) -> spec.addSubcommand(name, CommandLines.of(command)));
            CommandLine help = new CommandLine(new CommandLine.HelpCommand());
            help.getCommandSpec().usageMessage().header("this list, or the usage of one command");
            spec.addSubcommand("help", help);
            return spec;
        }
    }

    /** {@code tidegate --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tidegate " + RuntimeSettings.load().version()};
        }
    }

    /** demo or bench on an installation without tools/: says why instead of "unknown command". */
    private record ToolNotInstalled(String name) implements Subcommand {
        @Override
        public String summary() {
            return "(not installed: the distribution's tools/ folder is missing)";
        }

        @Override
        public String usage() {
            return "tidegate " + name + ": not in this installation";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) {
            err.println("tidegate: \"" + name + "\" is in the distribution's tools/ folder, which this"
                    + " installation does not have (bin/tidegate adds tools/*.jar to the class path for it)");
            return 2;
        }
    }
}
