package org.tidegate.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.cli.Subcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tidegate bench NAME [ARGS]}: the one home of every benchmark. Each {@link Benchmark} is a subcommand
 * (so completion and the man page know them) that parses its own options.
 */
@Command(name = "bench", modelTransformer = BenchCommand.Benchmarks.class, synopsisSubcommandLabel = "NAME",
        description = {"run a benchmark (tidegate bench lists them); the last line is JSON", "",
                "Each prints readable results and, as its last line, one JSON object with the figures."})
public final class BenchCommand implements PicocliCommand {
    @Spec
    CommandSpec spec;

    static Map<String, Benchmark> benchmarks() {
        Map<String, Benchmark> all = new TreeMap<>();
        for (Benchmark b : ServiceLoader.load(Benchmark.class)) {
            all.putIfAbsent(b.name(), b);
        }
        return all;
    }

    /** No benchmark named: the list, as a usage error. */
    @Override
    public int run(PrintStream out, PrintStream err) {
        spec.commandLine().usage(out);
        return 2;
    }

    /** One subcommand per benchmark found on the class path. */
    public static final class Benchmarks implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            // picocli applies transformers again when this spec becomes a subcommand: add each benchmark once
            benchmarks().forEach((name, b) -> {
                if (!spec.subcommands().containsKey(name)) {
                    spec.addSubcommand(name, CommandLines.of(new Run(b)));
                }
            });
            return spec;
        }
    }

    /** One benchmark as a command: its header lines, then the benchmark with its own option parsing. */
    private record Run(Benchmark b) implements Subcommand {
        @Override
        public String name() {
            return b.name();
        }

        @Override
        public String summary() {
            return b.summary();
        }

        @Override
        public String usage() {
            return "usage: " + b.usage();
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
            out.println("tidegate bench " + b.name() + " — " + b.summary());
            out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, java "
                    + System.getProperty("java.version") + ", " + System.getProperty("os.arch"));
            try {
                return b.run(args, out);
            } catch (Args.UsageException e) {
                err.println("tidegate bench " + b.name() + ": " + e.getMessage());
                err.println("usage: " + b.usage());
                return 2;
            }
        }
    }
}
