package org.tidegate.bench;

import java.io.PrintStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@code tidegate bench NAME} benchmark. Contributed through
 * {@code META-INF/services/org.tidegate.bench.Benchmark}. A benchmark prints readable results and,
 * as its very last line, one JSON object with its figures ({@link BenchReport#printJson}). It reports
 * medians over repeated runs and, where a peer tool exists on the machine, that tool's figure from the
 * same run beside ours.
 */
@ConsumerType
public interface Benchmark {

    String name();

    String summary();

    /** One usage line for {@code tidegate bench} to print after a bad option (options with their defaults). */
    default String usage() {
        return "tidegate bench " + name();
    }

    /**
     * @return exit code, 0 on success
     * @throws org.tidegate.core.cli.Args.UsageException on a bad option: the launcher prints it with {@link #usage}
     */
    int run(List<String> args, PrintStream out) throws Exception;
}
