package org.tidegate.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.cli.ProvisioningWait;
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
    /**
     * Exit status of a refusal that only a person can fix (configuration, identity, file ownership): sysexits'
     * EX_CONFIG. The systemd unit lists it in {@code RestartPreventExitStatus}, so such a gateway stays stopped
     * with its reason in the journal instead of restarting every few seconds.
     */
    static final int EX_CONFIG = 78;

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
        HomeAccess.User me = HomeAccess.currentUser();
        HomeAccess.User service = HomeAccess.serviceUser(home);
        if (me != null && me.isRoot() && service != null && !service.isRoot()) {
            // Root could read everything, and would leave root-owned files under data/ that the service cannot open.
            err.println("tidegate run: " + home + " belongs to the service user " + service.name()
                    + "; run the gateway as that user, not as root:");
            err.println("  sudo systemctl start tidegate      (the installed service), or");
            err.println("  sudo -u " + service.name() + " tidegate run --home " + home);
            return EX_CONFIG;
        }
        // A remote configuration change that a crash or power cut interrupted (during its apply or its trial) is
        // undone before anything reads the home: the gateway starts on the previous files (docs/remote-management.md).
        org.tidegate.config.HomeSwitch.Recovery recovery = org.tidegate.config.HomeSwitch.recover(home);
        if (recovery == org.tidegate.config.HomeSwitch.Recovery.RESTORED_OLD) {
            err.println("tidegate run: an interrupted remote configuration change was rolled back to the previous files");
        }
        // No identity yet: the console's provisioning form (if any) waits for one below, once logging is set up.
        boolean unprovisioned = org.tidegate.crypto.Provisioning.needed(home);
        // The same check as `tidegate validate`, file access included (for the user this process runs as).
        LoadResult check = unprovisioned ? null : HomeLoader.check(home, me);
        if (check != null && !check.ok()) {
            return refuse(home, check, err);
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
        // Under systemd (stderr is the journal) the journal is the only log: no second copy on the SD card.
        if (Logging.underJournal()) {
            Logging.journal(level);
        } else {
            Logging.consoleAndFile(level, home.resolve("logs"));
        }
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
        if (unprovisioned) {
            boolean provisioned;
            try {
                provisioned = awaitProvisioning(home, err, notifier, durationMs);
            } catch (InterruptedException e) {
                Logger.info("--duration {} reached while waiting to be provisioned", this.duration);
                return 0;
            }
            if (!provisioned) {
                err.println("  the gateway has no identity yet: run `tidegate provision --home " + home + " ...` first");
                return EX_CONFIG;
            }
            check = HomeLoader.check(home, me);
            if (!check.ok()) {
                return refuse(home, check, err);
            }
        }
        String fingerprint;
        try {
            // Refuse before anything starts: an unprovisioned gateway, or a private key others can read.
            fingerprint = GatewayCrypto.load(GatewayCrypto.settingsFromGatewayJson(home)).fingerprint();
        } catch (IOException | GeneralSecurityException e) {
            err.println("tidegate run: " + e.getMessage());
            if (e instanceof java.nio.file.NoSuchFileException) {
                err.println("  the gateway has no identity yet: run `tidegate provision --home " + home + " ...` first");
            }
            return EX_CONFIG;
        }

        String gatewayId = check.config().id();
        // The check's decoded device model (a few MB for thousands of channels) is not needed any more: the framework
        // reads the home itself. This method waits below for as long as the gateway runs, so drop it here.
        check = null;
        Logger.info("tidegate {} starting: gateway {} home {} (pid {})", RuntimeSettings.load().version(),
                gatewayId, home, ProcessHandle.current().pid());
        // The id and key a technician compares with the platform's registration (first boot prints them too).
        Logger.info("gateway {} public key SM3 fingerprint {}", gatewayId, fingerprint);

        GatewayRuntime runtime = new GatewayRuntime(home, Map.of("tidegate.config.scanSeconds", String.valueOf(scan)),
                List.of());
        CountDownLatch stopped = new CountDownLatch(1);
        WatchdogFeeder[] feeder = new WatchdogFeeder[1];
        Thread hook = new Thread(() -> {
            Logger.info("stop requested: shutting down");
            notifier.send("STOPPING=1");
            if (feeder[0] != null) {
                feeder[0].close();
            }
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
        Logger.info("gateway {} running; started in {} ms", gatewayId, (System.nanoTime() - t0) / 1_000_000);
        if (notifier.enabled()) {
            Duration every = WatchdogFeeder.interval(System.getenv("WATCHDOG_USEC"), System.getenv("WATCHDOG_PID"),
                    ProcessHandle.current().pid());
            if (!notifier.send("READY=1\nSTATUS=running: gateway " + gatewayId)) {
                Logger.warn("systemd: cannot send READY=1 to {}: {}", System.getenv("NOTIFY_SOCKET"), notifier.lastError());
            }
            if (every != null) {
                feeder[0] = new WatchdogFeeder(notifier, runtime::livenessVerdict, every).start();
            }
        }
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

    private static int refuse(Path home, LoadResult check, PrintStream err) {
        err.println("tidegate run: " + home + " has " + check.errors().size() + " configuration error(s):");
        for (ConfigProblem p : check.errors()) {
            err.println("  " + p);
        }
        return EX_CONFIG;
    }

    /**
     * Lets the console's provisioning form (a {@link ProvisioningWait} on the class path) give the home its identity.
     * Under systemd the wait counts as up (READY=1, the watchdog fed): a technician may take a while, and a restart
     * would only make a new login token.
     *
     * @return true once provisioned; false when no form can run here (the reason is on {@code err})
     */
    private static boolean awaitProvisioning(Path home, PrintStream err, SystemdNotifier notifier, long durationMs)
            throws Exception {
        ProvisioningWait wait = java.util.ServiceLoader.load(ProvisioningWait.class).findFirst().orElse(null);
        if (wait == null) {
            err.println("tidegate run: " + home + " is not provisioned and no provisioning form is installed");
            return false;
        }
        WatchdogFeeder[] feeder = new WatchdogFeeder[1];
        // --duration bounds the wait too: the waiting thread is interrupted when it is reached.
        Thread waiting = Thread.currentThread();
        java.util.concurrent.ScheduledExecutorService timer = durationMs <= 0 ? null
                : java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "run-duration");
                    t.setDaemon(true);
                    return t;
                });
        if (timer != null) {
            timer.schedule(waiting::interrupt, durationMs, TimeUnit.MILLISECONDS);
        }
        try {
            return wait.await(home, err, () -> {
                if (notifier.enabled()) {
                    notifier.send("READY=1\nSTATUS=waiting to be provisioned (the console's provisioning form)");
                    Duration every = WatchdogFeeder.interval(System.getenv("WATCHDOG_USEC"),
                            System.getenv("WATCHDOG_PID"), ProcessHandle.current().pid());
                    if (every != null) {
                        feeder[0] = new WatchdogFeeder(notifier, () -> "", every).start();
                    }
                }
            });
        } finally {
            if (timer != null) {
                timer.shutdownNow();
                Thread.interrupted(); // a timer that fired just as the wait ended must not hit the start
            }
            if (feeder[0] != null) {
                feeder[0].close();
            }
        }
    }
}
