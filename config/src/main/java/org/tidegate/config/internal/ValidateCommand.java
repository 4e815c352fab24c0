package org.tidegate.config.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.config.GatewayConfig;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.core.model.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidegate validate --home DIR}: checks a home directory without running anything. */
@Command(name = "validate", description = {
        "check a gateway home directory; list every error (file: JSON path: reason)", "",
        "Checks DIR/gateway.json, DIR/profiles/*.json and DIR/devices/*.json, and prints every problem as",
        "  FILE: JSON-PATH: REASON",
        "Exit status 0 when the home can run (warnings may be printed), 1 when there are errors.",
        "File access is checked for the user the gateway runs as: --user, or else the owner of DIR/data",
        "(on an installed gateway, the service user tidegate), as `tidegate run` checks it."})
public class ValidateCommand implements PicocliCommand {
    @Option(names = "--home", required = true, paramLabel = "DIR", description = "the gateway's home directory")
    Path home;

    @Option(names = "--quiet", description = "print errors only")
    boolean quiet;

    @Option(names = "--user", paramLabel = "NAME", description = "check file access for this user")
    String user;

    @Override
    public int run(PrintStream out, PrintStream err) throws Args.UsageException {
        HomeAccess.User runAs;
        try {
            runAs = user != null ? HomeAccess.user(user) : HomeAccess.serviceUser(home);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--user: " + e.getMessage());
        }
        LoadResult r = HomeLoader.check(home, runAs);
        for (ConfigProblem p : r.errors()) {
            out.println("error: " + p);
        }
        if (!quiet) {
            for (ConfigProblem p : r.warnings()) {
                out.println("warning: " + p);
            }
        }
        if (!r.ok()) {
            out.println(home + ": " + r.errors().size() + " error(s); nothing would be applied");
            return 1;
        }
        GatewayConfig c = r.config();
        int channels = c.devices().stream().mapToInt(d -> d.channels().size()).sum();
        if (runAs != null && !quiet) {
            out.println("file access checked for user " + runAs.name());
        }
        out.println(home + ": OK: gateway " + c.id() + ", " + c.devices().size() + " device(s), " + channels
                + " channel(s)" + (r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warning(s)"));
        if (!quiet) {
            for (Device d : c.devices()) {
                out.printf("  %-16s %-8s %-18s every %d ms, %d channel(s)%n", d.id(), d.protocol(), d.profile(),
                        d.pollInterval().toMillis(), d.channels().size());
            }
        }
        return 0;
    }
}
