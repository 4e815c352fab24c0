package org.tidegate.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.time.Duration;
import org.tidegate.crypto.GatewayCrypto;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.tinylog.Logger;

/**
 * {@code tidegate run --home DIR}: boots the gateway. Refuses to start on a home with errors (there is
 * no running configuration yet to fall back on). Stops cleanly on SIGTERM or Ctrl-C: the shutdown hook
 * stops the framework, which deactivates every component before the JVM exits.
 */
@Command(name = "run", description = {"run the gateway on a home directory until SIGTERM / Ctrl-C", "",
        "Boots the OSGi runtime with the configuration in DIR (see `tidegate validate`).",
        "Logs go to stderr and to DIR/logs/tidegate.log (rolling, 10 MB x 5)."})
final class RunCommand implements PicocliCommand {
    /** tinylog's levels, spelled as on the command line. */
    enum Level { trace, debug, info, warn, error }

    @Option(names = "--home", required = true, paramLabel = "DIR", description = "the gateway's home directory")
    Path home;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Level logLevel;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "stop by itself after this long (e.g. 60s, 5m); default: run until stopped")
    Duration duration;

    @Option(names = "--scan-seconds", paramLabel = "N", defaultValue = "5",
            description = "how often DIR is re-checked for changed files (default ${DEFAULT-VALUE}, 0 = never)")
    int scan;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        long t0 = System.nanoTime();
        Path home = this.home.toAbsolutePath().normalize();
        String level = logLevel.name();
        long durationMs = this.duration == null ? 0 : this.duration.toMillis();
        if (scan < 0) {
            throw new Args.UsageException("--scan-seconds must be 0 or more, got " + scan);
        }
        // A remote configuration change that a crash or power cut interrupted (during its apply or its trial) is
        // undone before anything reads the home: the gateway starts on the previous files (docs/remote-management.md).
        org.tidegate.config.HomeSwitch.Recovery recovery = org.tidegate.config.HomeSwitch.recover(home);
        if (recovery == org.tidegate.config.HomeSwitch.Recovery.RESTORED_OLD) {
            err.println("tidegate run: an interrupted remote configuration change was rolled back to the previous files");
        }
        LoadResult check = HomeLoader.check(home);
        if (!check.ok()) {
            err.println("tidegate run: " + home + " has " + check.errors().size() + " configuration error(s):");
            for (ConfigProblem p : check.errors()) {
                err.println("  " + p);
            }
            return 1;
        }
        // Before anything writes under data/: the framework cache alone needs ~30 MB, and without it the start
        // fails deep inside Felix with a stack trace.
        String space = GatewayRuntime.notEnoughSpace(home);
        if (space != null) {
            err.println("tidegate run: " + space);
            err.println("  free space on that file system (old logs, moved-aside queue.db.corrupt-* files) and start again");
            return 1;
        }
        // Logging first: tinylog's configuration freezes at the first log line, wherever it comes from.
        Logging.consoleAndFile(level, home.resolve("logs"));
        try {
            // Refuse before anything starts: an unprovisioned gateway, or a private key others can read.
            GatewayCrypto.load(GatewayCrypto.settingsFromGatewayJson(home));
        } catch (IOException | GeneralSecurityException e) {
            err.println("tidegate run: " + e.getMessage());
            if (e instanceof java.nio.file.NoSuchFileException) {
                err.println("  the gateway has no identity yet: run `tidegate provision --home " + home + " ...` first");
            }
            return 1;
        }

        Logger.info("tidegate {} starting: gateway {} home {} (pid {})", RuntimeSettings.load().version(),
                check.config().id(), home, ProcessHandle.current().pid());

        GatewayRuntime runtime = new GatewayRuntime(home, Map.of("tidegate.config.scanSeconds", String.valueOf(scan)),
                List.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            Logger.info("stop requested: shutting down");
            runtime.close();
            stopped.countDown();
            Logging.shutdown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runtime.start();
        } catch (Exception e) {
            String full = GatewayRuntime.notEnoughSpace(home);
            if (full != null) {
                err.println("tidegate run: " + full);
            }
            Logger.error("the gateway could not start: {}", e.getMessage());
            Runtime.getRuntime().removeShutdownHook(hook);
            runtime.close();
            return 1;
        }
        Logger.info("gateway {} running; started in {} ms", check.config().id(), (System.nanoTime() - t0) / 1_000_000);
        if (durationMs > 0) {
            if (!stopped.await(durationMs, TimeUnit.MILLISECONDS)) {
                Logger.info("--duration {} reached", this.duration);
                Runtime.getRuntime().removeShutdownHook(hook);
                runtime.close();
            }
        } else {
            stopped.await();
        }
        return 0;
    }
}
