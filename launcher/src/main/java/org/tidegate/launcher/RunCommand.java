package org.tidegate.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.crypto.GatewayCrypto;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.tinylog.Logger;

/**
 * {@code tidegate run --home DIR}: boots the gateway. Refuses to start on a home with errors (there is
 * no running configuration yet to fall back on). Stops cleanly on SIGTERM or Ctrl-C: the shutdown hook
 * stops the framework, which deactivates every component before the JVM exits.
 */
final class RunCommand implements Subcommand {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run the gateway on a home directory until SIGTERM / Ctrl-C";
    }

    @Override
    public String usage() {
        return """
                tidegate run --home DIR [--log-level LEVEL] [--duration SECONDS] [--scan-seconds N]

                Boots the OSGi runtime with the configuration in DIR (see `tidegate validate`).
                Logs go to stderr and to DIR/logs/tidegate.log (rolling, 10 MB x 5).
                --log-level     trace, debug, info (default), warn, error
                --duration      stop by itself after this long (e.g. 60s, 5m); default: run until stopped
                --scan-seconds  how often DIR is re-checked for changed files (default 5, 0 = never)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        long t0 = System.nanoTime();
        Args args = Args.parse(argv, Set.of("home", "log-level", "duration", "scan-seconds"), Set.of());
        Path home = Path.of(args.require("home")).toAbsolutePath().normalize();
        String level = args.get("log-level", "info");
        if (!Set.of("trace", "debug", "info", "warn", "error").contains(level)) {
            throw new Args.UsageException("--log-level must be trace, debug, info, warn or error");
        }
        long duration = args.durationSeconds("duration", 0);
        int scan = args.intValue("scan-seconds", 5);
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
        if (duration > 0) {
            if (!stopped.await(duration, TimeUnit.SECONDS)) {
                Logger.info("--duration {} s reached", duration);
                Runtime.getRuntime().removeShutdownHook(hook);
                runtime.close();
            }
        } else {
            stopped.await();
        }
        return 0;
    }
}
