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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tidegate}: the root of the command line. Its subcommands are the built-in ones plus whatever the class
 * path contributes ({@link PicocliCommand} services), added by {@link AllCommands} when
 * picocli builds the model, so that the completion script and man page generators, which start from this class,
 * see the same commands as a user does. {@code demo} and {@code bench} come from the distribution's
 * {@code tools/} folder, {@code ingest} from {@code cloud/}: {@code bin/tidegate} puts them on the class path only for
 * those commands (and for {@code help}).
 */
@Command(name = "tidegate", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true,
        versionProvider = TidegateCommand.Version.class, modelTransformer = TidegateCommand.AllCommands.class,
        description = "Reads field sensors, runs edge rules, stores and forwards sealed (SM2/SM4) messages over MQTT.",
        footer = {"", "`tidegate help COMMAND` or `tidegate COMMAND --help` shows the options of one command.",
                "Exit status: 0 success, 1 a failure you can fix (bad input, unreachable peer), 2 a usage mistake."})
public final class TidegateCommand implements PicocliCommand {
    /** Commands that live in another folder of the distribution than the gateway's lib/, by that folder. */
    static final Map<String, String> FOLDER_COMMANDS = Map.of("bench", "tools", "demo", "tools", "ingest", "cloud");

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

    /**
     * Every command by name: built-ins first, then the {@link PicocliCommand} services, then a
     * {@link NotInstalledCommand} for each folder command whose folder is not on the class path.
     */
    static Map<String, CommandLine> commands() {
        Map<String, CommandLine> all = new TreeMap<>();
        for (PicocliCommand c : List.of(new RunCommand(), new VersionCommand())) {
            all.put(name(c), CommandLines.of(c));
        }
        for (PicocliCommand c : providers(PicocliCommand.class)) {
            String name = name(c);
            if (!all.containsKey(name)) {
                all.put(name, CommandLines.of(c));
            }
        }
        FOLDER_COMMANDS.forEach((name, folder) -> {
            if (!all.containsKey(name)) {
                all.put(name, NotInstalledCommand.commandLine(name, folder));
            }
        });
        return all;
    }

    /**
     * The providers that load. One that does not (e.g. a stale services file left in a module's target/classes
     * after its commands moved to another module) costs a warning, not the whole command line.
     */
    private static <T> List<T> providers(Class<T> type) {
        List<T> found = new java.util.ArrayList<>();
        List<String> broken = new java.util.ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                broken.add(e.getMessage());
            }
        }
        if (!broken.isEmpty()) {
            System.err.println("tidegate: warning: " + broken.size() + " command(s) could not be loaded (" + broken.get(0)
                    + (broken.size() > 1 ? ", ..." : "") + "); a stale build? mvn clean package fixes that");
        }
        return found;
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
            commands().forEach(spec::addSubcommand);
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
}
