package org.tidegate.core.cli;

import java.io.PrintStream;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One {@code tidegate NAME ...} subcommand whose options and parameters are declared with picocli annotations on
 * the implementing class: {@code @Command(name = "validate", description = "one line for tidegate help")} on the
 * class, {@code @Option}/{@code @Parameters} on its fields. The launcher creates it with its public no-argument
 * constructor, lets picocli parse the arguments into the fields (unknown options, missing required options and
 * values that do not convert are usage errors, exit 2, reported the same way for every command), then calls
 * {@link #run}. {@code -h}/{@code --help} is added when the class declares none.
 *
 * <p>Register the class in {@code META-INF/services/org.tidegate.core.cli.PicocliCommand}; {@link CommandLines} runs
 * it.
 */
@ConsumerType
public interface PicocliCommand {

    /**
     * Runs the command once its fields hold the parsed arguments.
     *
     * @return the process exit code: 0 success, 1 failure the user can fix (bad input), 2 usage error
     * @throws Args.UsageException a usage mistake picocli cannot see (e.g. two options that exclude each other):
     *                             reported like picocli's own, exit 2
     * @throws Exception           anything else: reported on one line, exit 1
     */
    int run(PrintStream out, PrintStream err) throws Exception;
}
