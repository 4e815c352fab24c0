package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.Provisioning;
import org.tinylog.Logger;

/**
 * The API of the provisioning form (docs/console.md), behind {@link ConsoleServer}'s login and CSRF checks:
 * {@code GET /api/provision} (what the form offers), {@code POST /api/provision} (provisions through
 * {@link Provisioning}, the code behind {@code tidegate provision}: the same checks, the same refusals) and a
 * {@code GET /api/status} that says the gateway is waiting to be provisioned.
 */
final class ProvisionRoutes implements ConsoleServer.Routes {
    /** A PEM public key is ~180 bytes; the request body is bounded by {@link Exchange#MAX_BODY} anyway. */
    static final int MAX_PEM = 8 * 1024;

    private final Path home;
    private final Supplier<String> url;
    private final Runnable done;
    private volatile boolean provisioned;

    /**
     * @param url  where the form is, for {@code tidegate status}
     * @param done called once the home is provisioned (the gateway may start)
     */
    ProvisionRoutes(Path home, Supplier<String> url, Runnable done) {
        this.home = home;
        this.url = url;
        this.done = done;
    }

    @Override
    public void handle(Exchange x, String user) throws IOException {
        String path = x.path();
        boolean get = x.method().equals("GET");
        switch (path) {
            case "/api/provision" -> {
                if (get) {
                    x.json(200, form());
                    return;
                }
                if (x.method().equals("POST")) {
                    provision(x, user);
                    return;
                }
            }
            case "/api/status" -> {
                if (get) {
                    x.json(200, Map.of("state", provisioned ? "starting" : "unprovisioned", "gateway", "",
                            "home", home.toString(), "form", url.get()));
                    return;
                }
            }
            default -> {
                x.error(404, "no such page: " + path + " (the gateway is not provisioned yet: only the provisioning"
                        + " form runs)");
                return;
            }
        }
        x.error(405, x.method() + " not allowed on " + path);
    }

    private Map<String, Object> form() {
        List<String> current = Provisioning.current(home);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("home", home.toString());
        m.put("provisioned", provisioned);
        m.put("id", current.get(0));
        m.put("broker", current.get(1));
        m.put("defaultCloudId", Provisioning.DEFAULT_CLOUD_ID);
        HomeAccess.User me = HomeAccess.currentUser();
        m.put("runAs", me == null ? System.getProperty("user.name") : me.name());
        return m;
    }

    private void provision(Exchange x, String user) throws IOException {
        JsonNode b = x.jsonBody();
        if (b == null || !b.path("id").isTextual() || !b.path("broker").isTextual() || !b.path("cloudKey").isTextual()
                || (b.has("cloudId") && !b.get("cloudId").isTextual())
                || (b.has("force") && !b.get("force").isBoolean())) {
            x.error(400, "expected {\"id\": GW, \"broker\": URL, \"cloudKey\": PEM, \"cloudId\"?: ID, \"force\"?: bool}");
            return;
        }
        if (provisioned) {
            x.error(409, "already provisioned: the gateway is starting");
            return;
        }
        // Checked as given, as the command line checks its arguments (the page trims what it sends).
        String id = b.get("id").asText();
        String broker = b.get("broker").asText();
        String cloudId = b.has("cloudId") ? b.get("cloudId").asText() : Provisioning.DEFAULT_CLOUD_ID;
        boolean force = b.path("force").asBoolean(false);
        String pem = b.get("cloudKey").asText();
        Logger.info("console: write action by user={} from={}: provision {} as gateway id={} broker={} cloudId={}"
                + " force={}", user, x.address(), home, id, broker, cloudId, force);
        if (pem.length() > MAX_PEM) {
            refuse(x, "cloud key: larger than " + MAX_PEM + " bytes, not one PEM public key");
            return;
        }
        PublicKey cloudKey;
        try {
            cloudKey = PemKeys.parsePublicKey(pem);
        } catch (IOException e) {
            refuse(x, "cloud key: " + e.getMessage());
            return;
        }
        Provisioning.Outcome o;
        synchronized (this) { // two technicians pressing at once: one provisions, the other sees it done
            if (provisioned) {
                x.error(409, "already provisioned: the gateway is starting");
                return;
            }
            try {
                o = Provisioning.provision(new Provisioning.Request(home, id, broker, cloudKey, null, cloudId, force),
                        null);
            } catch (IOException | java.security.GeneralSecurityException e) {
                Logger.error("console: provisioning {} failed: {}", home, e.getMessage());
                x.error(500, "provisioning failed: " + e.getMessage());
                return;
            }
            if (!o.provisioned()) {
                refuse(x, o.refusal());
                return;
            }
            provisioned = true;
        }
        // What `tidegate run` checks next, said on the page while the technician is here.
        List<String> problems = new ArrayList<>(o.accessProblems());
        LoadResult check = HomeLoader.check(home, HomeAccess.currentUser());
        problems.addAll(ProvisioningForm.lines(check.errors()));
        Logger.info("console: gateway {} provisioned from the console by user={}; public key SM3 fingerprint {}", id,
                user, o.fingerprint());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("gateway", id);
        m.put("fingerprint", o.fingerprint());
        m.put("publicKey", o.publicKeyPem());
        m.put("report", o.report());
        m.put("problems", problems);
        m.put("warnings", ProvisioningForm.lines(check.warnings()));
        m.put("starting", problems.isEmpty());
        m.put("next", problems.isEmpty()
                ? "Register the public key (SM3 fingerprint above) with the platform. The gateway is starting now;"
                + " its console comes back at this address in a few seconds: log in again with the new one-time"
                + " token from the gateway's log, or set a password with tidegate console-password --home " + home
                + ". Add devices in " + home.resolve("devices") + " (README, Configure)."
                : "Provisioned, but the gateway cannot start until these are fixed (it stops now, exit 78): fix"
                + " them, then start it again (sudo systemctl restart tidegate, or tidegate run --home " + home + ").");
        x.json(200, m);
        done.run();
    }

    /** The refusal as {@code tidegate provision} words it (there after "provision: "); nothing was written. */
    private static void refuse(Exchange x, String why) throws IOException {
        Logger.warn("console: provisioning refused: {}", why);
        x.error(400, why);
    }
}
