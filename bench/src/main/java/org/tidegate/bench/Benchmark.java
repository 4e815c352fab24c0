package org.tidegate.bench;

import java.io.PrintStream;
import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine.Command;

/**
 * A {@code tidegate bench NAME} benchmark: a picocli command, {@code @Command(name = "NAME", description = "one
 * line")} with its options as {@code @Option} fields (so {@code tidegate bench NAME --help}, completion and the man
 * pages list them), contributed through {@code META-INF/services/org.tidegate.bench.Benchmark}. A benchmark prints
 * readable results and, as its very last line, one JSON object with its figures ({@link BenchReport#printJson}). It
 * reports medians over repeated runs and, where a peer tool exists on the machine, that tool's figure from the same
 * run beside ours.
 */
@ConsumerType
public interface Benchmark extends PicocliCommand {

    /**
     * Measures, once picocli has set the options.
     *
     * @return exit code, 0 on success
     * @throws org.tidegate.core.cli.Args.UsageException a bad option value only the benchmark can see: exit 2
     */
    int measure(PrintStream out) throws Exception;

    /** The word after {@code tidegate bench}, from {@code @Command(name)}. */
    default String name() {
        return getClass().getAnnotation(Command.class).name();
    }

    /** The first line of {@code @Command(description)}. */
    default String summary() {
        return getClass().getAnnotation(Command.class).description()[0];
    }

    /** The two header lines every benchmark prints, then {@link #measure}. */
    @Override
    default int run(PrintStream out, PrintStream err) throws Exception {
        out.println("tidegate bench " + name() + " — " + summary());
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.arch"));
        return measure(out);
    }
}
