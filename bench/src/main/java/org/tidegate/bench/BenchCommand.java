package org.tidegate.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.tidegate.bench.Benchmark;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;

/** {@code tidegate bench NAME [ARGS]}: the one home of every benchmark. */
public final class BenchCommand implements Subcommand {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "run a benchmark (tidegate bench lists them); the last line is JSON";
    }

    @Override
    public String usage() {
        StringBuilder sb = new StringBuilder("tidegate bench NAME [OPTIONS]\n\nbenchmarks:\n");
        benchmarks().values().forEach(b -> sb.append(String.format("  %-10s %s%n", b.name(), b.summary())));
        sb.append("\nEach prints readable results and, as its last line, one JSON object with the figures.");
        return sb.toString();
    }

    static Map<String, Benchmark> benchmarks() {
        Map<String, Benchmark> all = new TreeMap<>();
        for (Benchmark b : ServiceLoader.load(Benchmark.class)) {
            all.putIfAbsent(b.name(), b);
        }
        return all;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            out.println(usage());
            return 2;
        }
        Benchmark b = benchmarks().get(args.get(0));
        if (b == null) {
            err.println("no benchmark \"" + args.get(0) + "\"");
            err.println(usage());
            return 2;
        }
        out.println("tidegate bench " + b.name() + " — " + b.summary());
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.arch"));
        try {
            return b.run(args.subList(1, args.size()), out);
        } catch (Args.UsageException e) {
            err.println("tidegate bench " + b.name() + ": " + e.getMessage());
            err.println("usage: " + b.usage());
            return 2;
        }
    }
}
