package org.tidegate.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tidegate bench NAME [OPTIONS]}: the one home of every benchmark. Each {@link Benchmark} is a picocli
 * subcommand with its own options (so help, completion and the man pages know them).
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
                    spec.addSubcommand(name, CommandLines.of(b));
                }
            });
            return spec;
        }
    }
}
