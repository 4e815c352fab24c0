package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.tidegate.core.cli.ProvisioningWait;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tinylog.Logger;

/**
 * The console on a gateway without an identity ({@code tidegate run} on a home that {@code tidegate provision} has
 * not seen): the same login (the one-time token in the log, or the password) on the same addresses (loopback and
 * the {@code console} section's interfaces, if gateway.json has one), serving only the provisioning form
 * ({@link ProvisionRoutes}). It runs on the launcher's class path before the OSGi runtime exists, and stops once the
 * form has provisioned the home; the gateway then starts and its own console takes the port over.
 */
public final class ProvisioningForm implements ProvisioningWait {

    @Override
    public boolean await(Path home, PrintStream err, Runnable ready) throws Exception {
        ConfigProblems problems = new ConfigProblems();
        ConsoleSettings settings = settings(home, problems);
        if (problems.errorCount() > 0) {
            err.println("tidegate run: no provisioning form: the console section of gateway.json is wrong:");
            problems.errors().forEach(p -> err.println("  " + p));
            return false;
        }
        if (!settings.enabled()) {
            err.println("tidegate run: no provisioning form: the console is disabled (gateway.json console.enabled)");
            return false;
        }
        CountDownLatch provisioned = new CountDownLatch(1);
        ExecutorService http = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "console-provisioning");
            t.setDaemon(true);
            return t;
        });
        Sessions sessions = new Sessions(settings.sessionSeconds() * 1000, System::currentTimeMillis);
        LoginGuard guard = new LoginGuard(home, settings.loginAttemptsPerMinute());
        String apiKey = Sessions.token();
        String scheme = settings.https() ? "https" : "http";
        ConsoleServer[] server = new ConsoleServer[1];
        ProvisionRoutes routes = new ProvisionRoutes(home, () -> scheme + "://127.0.0.1:" + server[0].port() + "/",
                provisioned::countDown);
        server[0] = new ConsoleServer(settings, sessions, guard, apiKey, routes, ConsoleServer.PROVISION_PAGE);
        List<String> bound;
        try {
            bound = server[0].start(http);
        } catch (IOException e) {
            http.shutdownNow();
            err.println("tidegate run: no provisioning form: " + e.getMessage());
            return false;
        }
        // SIGTERM while waiting: the access file must not outlive the form (status would try a closed port).
        Thread hook = new Thread(() -> stop(server[0], http, home), "console-provisioning-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            new LocalAccess(scheme + "://127.0.0.1:" + server[0].port(), apiKey,
                    settings.https() ? settings.tlsCertificate().toString() : "").write(home);
            Logger.warn("console: {} has no identity yet: provision it in the console at {}://{}/ (listening on {};"
                            + " log in with the one-time token above) or with tidegate provision --home {} --id GW"
                            + " --broker URL --cloud-key CLOUD.pub.pem", home, scheme, bound.get(0), bound, home);
            ready.run();
            provisioned.await();
            Logger.info("console: provisioning form done: starting the gateway");
        } finally {
            stop(server[0], http, home);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
        }
        return true;
    }

    private static void stop(ConsoleServer server, ExecutorService http, Path home) {
        server.close();
        LocalAccess.delete(home);
        http.shutdownNow();
        try {
            http.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The console section of gateway.json when there is one (a technician may have named the service interface
     * before provisioning), checked as {@code tidegate validate} checks it; the defaults otherwise.
     */
    static ConsoleSettings settings(Path home, ConfigProblems problems) {
        Path file = home.resolve("gateway.json");
        JsonNode section = null;
        String id = "";
        if (Files.isRegularFile(file)) {
            try {
                JsonNode root = ConfigNode.mapper().readTree(file.toFile());
                if (root != null && root.isObject()) {
                    section = root.get(ConsoleSection.NAME);
                    id = root.path("id").asText("");
                }
            } catch (IOException e) {
                problems.error("gateway.json", "$", "not valid JSON: " + e.getMessage());
            }
        }
        ConfigNode node = ConfigNode.at("gateway.json", "$." + ConsoleSection.NAME,
                section != null && section.isObject() ? section : ConfigNode.emptyObject(), problems);
        if (section != null && !section.isObject()) {
            problems.error("gateway.json", "$." + ConsoleSection.NAME, "must be an object");
        }
        ConsoleSettings s = ConsoleSection.settings(node, new HomeInfo(home, id, k -> ConfigNode.at("gateway.json",
                "$." + k, ConfigNode.emptyObject(), problems)));
        node.reportUnknownKeys();
        return s;
    }

    /** Every problem as validate prints it, one string each. */
    static List<String> lines(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }
}
