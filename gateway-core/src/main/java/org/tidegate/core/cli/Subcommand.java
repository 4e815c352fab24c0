package org.tidegate.core.cli;

import java.io.PrintStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One {@code tidegate NAME ...} subcommand. Modules contribute subcommands through
 * {@code META-INF/services/org.tidegate.core.cli.Subcommand}; the launcher finds them with
 * {@link java.util.ServiceLoader} on its class path (outside OSGi).
 */
@ConsumerType
public interface Subcommand {

    /** The word after {@code tidegate}, e.g. {@code validate}. */
    String name();

    /** One line for {@code tidegate help}. */
    String summary();

    /** Full usage text for {@code tidegate help NAME}. */
    String usage();

    /**
     * Runs the subcommand.
     *
     * @return the process exit code: 0 success, 1 failure the user can fix (bad input), 2 usage error
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
