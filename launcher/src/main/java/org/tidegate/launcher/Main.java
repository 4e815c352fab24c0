package org.tidegate.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;

/**
 * {@code tidegate COMMAND ...}: the one entry point. Built-in commands plus those modules contribute. {@code demo} and
 * {@code bench} come from the distribution's {@code tools/} folder, which {@code bin/tidegate} puts on the class
 * path only for them (and for {@code help}).
 */
public final class Main {
    /** Commands that live in the distribution's tools/ folder, not in the gateway's lib/. */
    static final List<String> TOOL_COMMANDS = List.of("bench", "demo");

    private Main() {
    }

    public static void main(String[] argv) {
        int code = run(List.of(argv), System.out, System.err);
        Logging.shutdown();
        System.exit(code);
    }

    static Map<String, Subcommand> commands() {
        Map<String, Subcommand> all = new TreeMap<>();
        for (Subcommand s : List.of(new RunCommand(), new VersionCommand())) {
            all.put(s.name(), s);
        }
        for (Subcommand s : ServiceLoader.load(Subcommand.class)) {
            all.putIfAbsent(s.name(), s);
        }
        return all;
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        Map<String, Subcommand> commands = commands();
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
            if (argv.size() > 1 && commands.containsKey(argv.get(1))) {
                out.println(commands.get(argv.get(1)).usage());
                return 0;
            }
            help(commands, out);
            return argv.isEmpty() ? 2 : 0;
        }
        Subcommand cmd = commands.get(argv.get(0));
        if (cmd == null) {
            if (TOOL_COMMANDS.contains(argv.get(0))) {
                err.println("tidegate: \"" + argv.get(0) + "\" is in the distribution's tools/ folder, which this"
                        + " installation does not have (bin/tidegate adds tools/*.jar to the class path for it)");
                return 2;
            }
            err.println("tidegate: unknown command \"" + argv.get(0) + "\"");
            help(commands, err);
            return 2;
        }
        List<String> rest = new ArrayList<>(argv.subList(1, argv.size()));
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(cmd.usage());
            return 0;
        }
        if (!cmd.name().equals("run")) {
            Logging.console(System.getProperty("tidegate.log.level", "warn"));
        }
        try {
            return cmd.run(rest, out, err);
        } catch (Args.UsageException e) {
            err.println("tidegate " + cmd.name() + ": " + e.getMessage());
            err.println();
            err.println(cmd.usage());
            return 2;
        } catch (Exception e) {
            err.println("tidegate " + cmd.name() + ": " + e);
            if (System.getProperty("tidegate.debug") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static void help(Map<String, Subcommand> commands, PrintStream out) {
        out.println("tidegate " + RuntimeSettings.load().version() + " — edge gateway for field sensing terminals");
        out.println();
        out.println("usage: tidegate COMMAND [OPTIONS]     (tidegate help COMMAND for details)");
        out.println();
        commands.values().forEach(c -> out.printf("  %-10s %s%n", c.name(), c.summary()));
        out.println("  help       this list, or the usage of one command");
    }
}
