package org.tidegate.tests.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.demo.DemoHome;
import org.tidegate.simulator.Scenario;
import org.tidegate.simulator.Simulator;

/**
 * Issue 18's console acceptance in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium) against the packaged gateway ({@code bin/tidegate run}) polling the demo's simulated devices over Modbus
 * TCP and mock GPIO, with an MQTT broker and the cloud-side receiver in this JVM: on the board without identity, log in
 * with the one-time token the gateway printed and provision it through the console's form (a refusal in
 * {@code tidegate provision}'s words first; the fingerprint shown is the new key's), after which the gateway starts
 * by itself and its console takes the port over; then log in with the password; every device with live
 * values; a chart grows; the flood alarm appears and clears; the siren test switches the siren output (seen by the
 * cloud in the siren's own telemetry, read from the GPIO pin by the driver); a restart restarts one device; a wrong
 * password is refused and then rate-limited; an idle session expires; nothing is reachable without a login or on an
 * address that is not configured; {@code /metrics} parses with the Prometheus project's own text-format parser
 * (python3-prometheus-client: the Java client 1.x has none) and its counters move; {@code tidegate status} against the
 * running and the stopped gateway. Screenshots of every page go to {@code target/console-screenshots} (and to the
 * directory named by the system property {@code tidegate.console.screenshots}, e.g. docs/img, when set).
 */
@Timeout(240)
class ConsoleBrowserTest {
    static final Path DIST = Path.of("../launcher/target/tidegate/bin/tidegate").toAbsolutePath().normalize();
    static final List<String> DEVICES = List.of("wl-001", "pm-001", "rain-01", "smoke-01", "siren-01");
    static final String PASSWORD = "river-gauge-7";
    /** Short on purpose: an open page keeps its session alive by asking every second; an idle one ends. */
    static final int SESSION_SECONDS = 5;
    static final int LOGIN_ATTEMPTS_PER_MINUTE = 6;
    static final String EXTRA_INTERFACE = "127.0.0.3";
    static final String NOT_CONFIGURED = "127.0.0.2";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aTechnicianSeesTheSiteLiveAndStrangersAreKeptOut() throws Exception {
        require(Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "chromium and chromium-driver (apt-get install chromium chromium-driver)");
        require(pythonPrometheusParser(), "python3-prometheus-client (apt-get install python3-prometheus-client)");
        assertTrue(Files.isExecutable(DIST), "no packaged gateway at " + DIST);

        Path home = tmp.resolve("home");
        int port = freePort();
        Simulator sim = new Simulator(600);
        EmbeddedBroker broker = EmbeddedBroker.startOnFreePort();
        List<Received> arrivals = new CopyOnWriteArrayList<>();
        List<Refused> refused = new CopyOnWriteArrayList<>();
        Process gateway = null;
        WebDriver browser = null;
        CloudReceiver receiver = null;
        Path out = tmp.resolve("gateway.out");
        java.util.concurrent.CompletableFuture<WebDriver> chromium = null;
        try {
            // Chromium starts while the home is made and the gateway starts: the test's time is mostly waiting.
            chromium = java.util.concurrent.CompletableFuture.supplyAsync(() -> chrome(tmp.resolve("chrome-profile")));
            int modbus = sim.startTcp("127.0.0.1", 0);
            DemoHome demo = DemoHome.create(home, broker.url())
                    .waterLevel("wl-001", "127.0.0.1", modbus, 500)
                    .powerMeter("pm-001", "127.0.0.1", modbus, 1000)
                    .rainGauge("rain-01", "127.0.0.1", modbus, 1000)
                    .smokeAndSiren();
            ObjectNode gw = (ObjectNode) JSON.readTree(home.resolve("gateway.json").toFile());
            gw.putObject("console").put("port", port).put("sessionSeconds", SESSION_SECONDS)
                    .put("loginAttemptsPerMinute", LOGIN_ATTEMPTS_PER_MINUTE).put("chartResolutionSeconds", 1)
                    .putArray("interfaces").add(EXTRA_INTERFACE);
            Files.writeString(home.resolve("gateway.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(gw));

            mark("simulator, broker, home");
            // A board fresh from the box: devices and settings in place, no identity yet. run serves the console's
            // provisioning form, and the technician provisions through it (docs/console.md, "Provisioning form").
            String cloudPem = Files.readString(home.resolve("keys/cloud.pub.pem"));
            for (String k : List.of("keys/gateway.key.pem", "keys/gateway.pub.pem", "keys/cloud.pub.pem")) {
                Files.delete(home.resolve(k));
            }
            gateway = new ProcessBuilder(DIST.toString(), "run", "--home", home.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            Process g = gateway;
            mark("gateway started, unprovisioned");
            Path access = home.resolve("data/console-access.json");
            waitFor(Duration.ofSeconds(40), () -> Files.exists(access) && token(out) != null,
                    "the provisioning form and its one-time token on the console", out, g);
            String base = "http://127.0.0.1:" + port;
            String formKey = apiKeyOf(access);
            browser = chromium.get(60, TimeUnit.SECONDS);
            WebDriver b = browser;
            mark("chromium up");
            b.get(base + "/");
            waitFor(Duration.ofSeconds(10), () -> b.getCurrentUrl().endsWith("/login"), "redirect to the login page", out, g);
            login(b, token(out));
            waitFor(Duration.ofSeconds(10), () -> "1".equals(attr(b, "body", "data-loaded")),
                    "the provisioning form after the token login", out, g);
            assertEquals(DemoHome.GATEWAY_ID, b.findElement(By.id("id")).getAttribute("value"),
                    "the id gateway.json names is offered");
            ((org.openqa.selenium.JavascriptExecutor) b).executeScript(
                    "document.getElementById('cloud-key').value = arguments[0]", cloudPem);
            type(b, "broker", "http://" + EXTRA_INTERFACE);
            b.findElement(By.id("submit")).click();
            String refusal = "broker URL \"http://" + EXTRA_INTERFACE + "\" "
                    + org.tidegate.core.config.BrokerUrl.problem("http://" + EXTRA_INTERFACE);
            waitFor(Duration.ofSeconds(5), () -> text(b, "message").equals(refusal), "the refusal, as provision words it",
                    out, g);
            type(b, "broker", broker.url());
            b.findElement(By.id("submit")).click();
            waitFor(Duration.ofSeconds(15), () -> !text(b, "fingerprint").isEmpty(), "provisioned: the fingerprint", out, g);
            java.security.PublicKey gatewayKey = org.tidegate.crypto.PemKeys.readPublicKey(home.resolve("keys/gateway.pub.pem"));
            assertEquals(org.tidegate.crypto.SmKeys.fingerprintGrouped(gatewayKey), text(b, "fingerprint"),
                    "the fingerprint to read to the platform is the new key's");
            shot(b, "provision");
            mark("provisioned through the form");
            // The gateway starts by itself; its console takes the port over (a new access file, a new key).
            waitFor(Duration.ofSeconds(60), () -> !apiKeyOf(access).isEmpty() && !formKey.equals(apiKeyOf(access)),
                    "the gateway's own console after provisioning", out, g);
            waitFor(Duration.ofSeconds(15), () -> "up".equals(attr(b, "body", "data-console")),
                    "the form's page sees the console back", out, g);
            String apiKey = apiKeyOf(access);
            assertTrue(Files.readString(out).contains("write action by user=token from=127.0.0.1: provision "),
                    "the provisioning is logged with who did it");

            // The password, as a technician sets it (one line on standard input); the console uses it from the next login.
            Cli pw = tidegate(PASSWORD + "\n", "console-password", "--home", home.toString());
            assertEquals(0, pw.code, pw.out);
            assertFalse(Files.readString(home.resolve("keys/console-password")).contains(PASSWORD));

            EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(),
                    TrustedSenders.of(DemoHome.GATEWAY_ID, gatewayKey)).duplicateFilter(new DuplicateFilter())
                    .build();
            receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "console-test-cloud"), "tidegate", opener,
                    new CloudReceiver.Listener() {
                        @Override
                        public void accepted(Received m) {
                            arrivals.add(m);
                        }

                        @Override
                        public void refused(Refused m) {
                            refused.add(m);
                        }
                    }, 1000);
            receiver.start();

            // --- nothing without a login; nothing on an address that is not configured ---
            assertEquals(401, http("GET", base + "/api/status", null, null).code);
            assertEquals(401, http("GET", base + "/metrics", null, null).code);
            assertEquals(401, http("POST", base + "/api/actions/output-test", null,
                    "{\"device\":\"siren-01\",\"channel\":\"siren\"}").code);
            Http root = http("GET", base + "/", null, null);
            assertEquals(303, root.code);
            assertEquals("/login", root.location);
            assertEquals(401, http("GET", "http://" + EXTRA_INTERFACE + ":" + port + "/api/status", null, null).code,
                    "the configured extra interface answers (and wants a login)");
            assertThrows(ConnectException.class, () -> new Socket().connect(new InetSocketAddress(NOT_CONFIGURED, port), 2000),
                    NOT_CONFIGURED + " is not configured: nothing listens there");
            assertEquals(401, http("POST", base + "/api/actions/restart", apiKey, "{\"device\":\"pm-001\"}").code,
                    "the read-only API key cannot write");

            // --- tidegate status against the running gateway (two CLI runs beside the browser's work) ---
            waitFor(Duration.ofSeconds(30), () -> apiGet(base, apiKey, "/api/status").path("devices").size() == DEVICES.size(),
                    "all devices in the status", out, g);
            mark("console up, all devices");
            var statusText = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> cli("", "status", "--home", home.toString()));
            var statusJson = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> cli("", "status", "--home", home.toString(), "--json"));
            Map<String, Double> metrics1 = scrape(base, apiKey);

            // --- the browser, on the gateway's console ---
            b.get(base + "/");
            waitFor(Duration.ofSeconds(10), () -> b.getCurrentUrl().endsWith("/login"), "redirect to the login page", out, g);
            shot(b, "login");
            // A wrong password is refused.
            login(b, "not-the-password");
            // A deadline for a loaded machine: the check is a 210 000-round PBKDF2 beside two status JVMs starting.
            waitFor(Duration.ofSeconds(15), () -> text(b, "message").contains("wrong password"), "wrong password refused", out, g);
            assertTrue(b.getCurrentUrl().endsWith("/login"));
            login(b, PASSWORD);
            waitFor(Duration.ofSeconds(10), () -> "overview".equals(attr(b, "body", "data-loaded")),
                    "the overview after login", out, g);
            waitFor(Duration.ofSeconds(10), () -> text(b, "overview").contains("connected")
                    && text(b, "overview").contains(DemoHome.GATEWAY_ID), "overview with the broker connected", out, g);
            mark("logged in");
            shot(b, "overview");

            // Every device with live values.
            b.get(base + "/#devices");
            waitFor(Duration.ofSeconds(15), () -> DEVICES.stream().allMatch(d -> upWithValues(b, d)),
                    "every device up with values", out, g);
            String level1 = cell(b, "wl-001", "level");
            waitFor(Duration.ofSeconds(10), () -> !cell(b, "wl-001", "level").equals(level1), "the level moving", out, g);
            shot(b, "devices");

            mark("devices live");
            // A chart grows.
            b.get(base + "/#charts");
            waitFor(Duration.ofSeconds(10), () -> points(b, "wl-001/level") >= 2, "a level chart", out, g);
            int p1 = points(b, "wl-001/level");
            waitFor(Duration.ofSeconds(10), () -> points(b, "wl-001/level") >= p1 + 3, "the level chart growing", out, g);

            mark("chart grows");
            // The flood alarm appears...
            sim.scenario(Scenario.FLOOD);
            b.get(base + "/#alarms");
            waitFor(Duration.ofSeconds(40), () -> openAlarm(b, "wl-001/level_warning"), "level_warning open", out, g);
            mark("flood alarm open");
            shot(b, "alarms");
            b.get(base + "/#charts");
            waitFor(Duration.ofSeconds(5), () -> points(b, "wl-001/level") > p1 + 3, "chart", out, g);
            Thread.sleep(1500); // one more refresh, so the picture shows the rise
            ((org.openqa.selenium.JavascriptExecutor) b).executeScript(
                    "document.querySelector(\"canvas[data-series='wl-001/level']\").parentElement.scrollIntoView()");
            shot(b, "charts");
            // ...and clears.
            sim.scenario(Scenario.RECEDE);
            b.get(base + "/#alarms");
            waitFor(Duration.ofSeconds(60), () -> !openAlarm(b, "wl-001/level_warning")
                    && recent(b, "wl-001/level_warning", "cleared"), "level_warning cleared", out, g);
            mark("flood alarm cleared");
            sim.scenario(Scenario.NORMAL);

            // The siren test: the alarm released the siren; the test switches it on, and off after 5 s.
            b.get(base + "/#devices");
            waitFor(Duration.ofSeconds(10), () -> "false".equals(cell(b, "siren-01", "siren")), "the siren off", out, g);
            long before = System.currentTimeMillis();
            click(b, "[data-output-test='siren-01/siren']");
            waitFor(Duration.ofSeconds(5), () -> text(b, "banner").contains("on for 5 s"), "the test accepted", out, g);
            waitFor(Duration.ofSeconds(5), () -> sirenTelemetry(arrivals, before, true), "the cloud sees siren=true", out, g);
            waitFor(Duration.ofSeconds(5), () -> "true".equals(cell(b, "siren-01", "siren")), "the page shows it on", out, g);
            waitFor(Duration.ofSeconds(12), () -> sirenTelemetry(arrivals, before + 4_000, false), "siren=false after 5 s",
                    out, g);

            mark("siren test");
            // Restart one device's connection: the simulator sees the old TCP connection closed and a new one; the
            // device's counters go on, its restart count is 1; the action answers once the new connection polled.
            long polls = apiGet(base, apiKey, "/api/devices").findValues("device").stream().count();
            assertEquals(DEVICES.size(), polls);
            long pmPolls = devicePolls(base, apiKey, "pm-001");
            long accepted = sim.tcpConnectionsAccepted();
            java.util.Set<Integer> clientPorts = sim.tcpClientPorts();
            click(b, "[data-restart='pm-001']");
            waitFor(Duration.ofSeconds(15), () -> text(b, "banner").contains("pm-001: connection restarted"),
                    "restart done", out, g);
            assertTrue(text(b, "banner").contains("first poll up"), text(b, "banner"));
            assertTrue(sim.tcpConnectionsAccepted() > accepted, "a new TCP connection");
            waitFor(Duration.ofSeconds(5), () -> !sim.tcpClientPorts().containsAll(clientPorts),
                    "the old TCP connection closed", out, g);
            assertTrue(devicePolls(base, apiKey, "pm-001") > pmPolls, "counters go on across a restart");
            assertEquals(1, deviceField(base, apiKey, "pm-001", "restarts").asLong());
            // the ring behind the log page has it, with who asked
            JsonNode log = apiGet(base, apiKey, "/api/log?lines=100");
            assertTrue(log.path("lines").toString().contains("device=pm-001 connection restarted for console user=admin"),
                    log::toString);
            assertTrue(log.path("lines").size() <= 100 && log.path("held").asLong() >= log.path("lines").size(),
                    log::toString);

            mark("restart");
            // Log and configuration pages; every write action is in the log with who did it.
            b.get(base + "/#log");
            waitFor(Duration.ofSeconds(10), () -> text(b, "log").contains("write action by user=admin"),
                    "write actions logged with the user", out, g);
            assertTrue(text(b, "log").contains("output test siren-01/siren") && text(b, "log").contains("restart device=pm-001"),
                    text(b, "log"));
            shot(b, "log");
            b.get(base + "/#config");
            waitFor(Duration.ofSeconds(10), () -> "true".equals(attr(b, "[data-valid]", "data-valid")), "config valid", out, g);
            assertTrue(text(b, "config").contains("\"console\"") && !text(b, "config").contains(PASSWORD), text(b, "config"));
            shot(b, "config");

            // /metrics: counters moved since the first scrape.
            Map<String, Double> metrics2 = scrape(base, apiKey);
            for (String counter : List.of("tidegate_queue_appended_total", "tidegate_queue_delivered_total",
                    "tidegate_device_polls_total{device=\"wl-001\"}", "tidegate_alarms_raised_total",
                    "tidegate_device_poll_duration_seconds_count{device=\"wl-001\"}")) {
                assertTrue(metrics2.getOrDefault(counter, 0.0) > metrics1.getOrDefault(counter, 0.0),
                        counter + ": " + metrics1.get(counter) + " -> " + metrics2.get(counter));
            }
            assertTrue(metrics2.getOrDefault("jvm_memory_used_bytes{area=\"heap\"}", 0.0) > 0, metrics2.toString());
            assertTrue(metrics2.containsKey("tidegate_queue_messages"), metrics2.keySet().toString());

            mark("metrics");
            // An idle session ends: the page is left alone longer than sessionSeconds.
            b.get("about:blank");
            Thread.sleep((SESSION_SECONDS + 2) * 1000L);
            b.get(base + "/");
            waitFor(Duration.ofSeconds(10), () -> b.getCurrentUrl().contains("/login"), "the expired session sent to login",
                    out, g);

            mark("session expired");
            // Wrong passwords are rate-limited: soon every attempt, even the right one, is refused for a while.
            boolean limited = false;
            for (int i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 2 && !limited; i++) {
                login(b, "guess-" + i);
                waitFor(Duration.ofSeconds(5), () -> !text(b, "message").isEmpty(), "an answer", out, g);
                limited = text(b, "message").contains("too many login attempts");
            }
            assertTrue(limited, "no rate limit after " + (LOGIN_ATTEMPTS_PER_MINUTE + 2) + " wrong passwords");
            login(b, PASSWORD);
            waitFor(Duration.ofSeconds(5), () -> text(b, "message").contains("too many login attempts"),
                    "the right password refused while limited", out, g);
            assertTrue(b.getCurrentUrl().contains("/login"));
            mark("rate limited");
            assertEquals(List.of(), refused.stream().map(Refused::toString).toList(), "the cloud refused messages");

            Cli status = statusText.get(60, TimeUnit.SECONDS);
            assertEquals(0, status.code, status.out);
            assertTrue(status.out.contains("tidegate " + DemoHome.GATEWAY_ID + ": running"), status.out);
            for (String d : DEVICES) {
                assertTrue(status.out.contains(d), d + " missing from\n" + status.out);
            }
            Cli json = statusJson.get(60, TimeUnit.SECONDS);
            assertEquals(0, json.code, json.out);
            JsonNode st = JSON.readTree(json.stdout);
            assertEquals(DemoHome.GATEWAY_ID, st.path("gateway").asText());
            assertTrue(st.path("queue").has("messages") && st.path("uplink").has("lastAckAt")
                    && st.path("link").has("commandsRefused") && st.path("link").has("commandsAccepted")
                    && st.path("pipeline").has("alarms"), json.out);
            assertEquals(64 + 15, st.path("fingerprint").asText().length(), "SM3 fingerprint, grouped: " + json.out);

            // --- a broken file on disk: the running configuration stays, and tidegate status says so ---
            Path broken = home.resolve("devices/broken.json");
            Files.writeString(broken, "{ \"id\": \"broken\", \"profile\": \"no-such-profile\" }");
            Cli withBroken = tidegate("", "status", "--home", home.toString());
            Files.delete(broken);
            assertEquals(0, withBroken.code, withBroken.out);
            assertTrue(withBroken.out.contains("error(s) in the files on disk, not applied (the revision above stays in"
                    + " force)") && withBroken.out.contains("devices/broken.json"), withBroken.out);

            // --- tidegate status against the stopped gateway ---
            g.destroy(); // SIGTERM
            assertTrue(g.waitFor(30, TimeUnit.SECONDS), "the gateway did not stop");
            mark("gateway stopped");
            Cli stopped = tidegate("", "status", "--home", home.toString());
            assertEquals(3, stopped.code, stopped.out);
            assertTrue(stopped.out.contains("not running"), stopped.out);
            // Even if the access file were left behind (a kill -9), a closed port says "not running".
            Files.writeString(access, JSON.writeValueAsString(Map.of("url", base, "apiKey", apiKey, "certificate", "")));
            Cli stale = tidegate("", "status", "--home", home.toString());
            assertEquals(3, stale.code, stale.out);
            assertTrue(stale.out.contains("not running"), stale.out);
            mark("done");
        } finally {
            if (browser != null) {
                browser.quit();
            } else if (chromium != null) {
                try {
                    chromium.get(60, TimeUnit.SECONDS).quit();
                } catch (Exception notStarted) {
                    // nothing to quit
                }
            }
            if (gateway != null && gateway.isAlive()) {
                gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (receiver != null) {
                receiver.close();
            }
            broker.stop();
            sim.close();
        }
    }

    private static final long T0 = System.nanoTime();

    /** Where the test's time goes (in the surefire output file). */
    static void mark(String what) {
        System.out.printf("ConsoleBrowserTest %6.1f s  %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    // --- the browser ---

    static WebDriver chrome(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    static void login(WebDriver b, String password) {
        WebElement pw = b.findElement(By.id("password"));
        pw.clear();
        ((org.openqa.selenium.JavascriptExecutor) b).executeScript("document.getElementById('message').textContent=''");
        pw.sendKeys(password);
        b.findElement(By.id("submit")).click();
    }

    /** Clicks a button of a page that redraws every second: one found just before a redraw is stale; find it again. */
    static void click(WebDriver b, String css) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                b.findElement(By.cssSelector(css)).click();
                return;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static void type(WebDriver b, String id, String value) {
        WebElement e = b.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    /** The first one-time login token the gateway printed (the provisioning form's), or null. */
    static String token(Path out) {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("one-time login token: ([0-9a-f]{24})")
                    .matcher(Files.readString(out));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The API key of the console's access file now ("" while there is none). */
    static String apiKeyOf(Path access) {
        try {
            return JSON.readTree(access.toFile()).path("apiKey").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    static String text(WebDriver b, String id) {
        try {
            return b.findElement(By.id(id)).getText();
        } catch (org.openqa.selenium.WebDriverException e) {
            return "";
        }
    }

    static String attr(WebDriver b, String css, String name) {
        try {
            return b.findElement(By.cssSelector(css)).getAttribute(name);
        } catch (org.openqa.selenium.WebDriverException e) {
            return "";
        }
    }

    static boolean upWithValues(WebDriver b, String device) {
        try {
            WebElement d = b.findElement(By.cssSelector("[data-device='" + device + "']"));
            return "up".equals(d.getAttribute("data-state")) && !d.findElements(By.cssSelector("tr[data-channel]")).isEmpty()
                    && d.findElements(By.cssSelector("td.v")).stream().noneMatch(v -> v.getText().equals("—"));
        } catch (org.openqa.selenium.WebDriverException e) {
            return false;
        }
    }

    static String cell(WebDriver b, String device, String channel) {
        try {
            return b.findElement(By.cssSelector("[data-device='" + device + "'] tr[data-channel='" + channel + "'] td.v"))
                    .getText();
        } catch (org.openqa.selenium.WebDriverException e) {
            return "";
        }
    }

    static int points(WebDriver b, String series) {
        String p = attr(b, "canvas[data-series='" + series + "']", "data-points");
        return p == null || p.isEmpty() ? 0 : Integer.parseInt(p);
    }

    static boolean openAlarm(WebDriver b, String key) {
        try {
            return !b.findElements(By.cssSelector("#alarms-open tr[data-alarm='" + key + "'][data-state='raised']")).isEmpty();
        } catch (org.openqa.selenium.WebDriverException e) {
            return false;
        }
    }

    static boolean recent(WebDriver b, String key, String state) {
        try {
            return !b.findElements(By.cssSelector("#alarms-recent tr[data-alarm='" + key + "'][data-state='" + state + "']"))
                    .isEmpty();
        } catch (org.openqa.selenium.WebDriverException e) {
            return false;
        }
    }

    static void shot(WebDriver b, String name) throws IOException {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) b).getScreenshotAs(OutputType.BYTES);
        Path dir = Path.of("target/console-screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve("console-" + name + ".png"), png);
        String docs = System.getProperty("tidegate.console.screenshots");
        if (docs != null && !docs.isBlank()) {
            Path d = Path.of(docs);
            Files.createDirectories(d);
            Files.write(d.resolve("console-" + name + ".png"), png);
        }
    }

    // --- the cloud side: the siren's own telemetry ---

    static boolean sirenTelemetry(List<Received> arrivals, long after, boolean on) {
        for (Received m : arrivals) {
            if (m.opened().contentType() != ContentType.TELEMETRY || m.body() == null
                    || !"siren-01".equals(m.body().path("device").asText())) {
                continue;
            }
            for (JsonNode s : m.body().path("samples")) {
                if ("siren".equals(s.path("ch").asText()) && s.path("t").asLong() >= after && s.path("v").isBoolean()
                        && s.path("v").asBoolean() == on) {
                    return true;
                }
            }
        }
        return false;
    }

    // --- HTTP, the CLI, metrics ---

    record Http(int code, String body, String location) {
    }

    static Http http(String method, String url, String bearer, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(3000);
        c.setReadTimeout(5000);
        c.setRequestMethod(method);
        if (bearer != null) {
            c.setRequestProperty("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        var in = code < 400 ? c.getInputStream() : c.getErrorStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Http(code, text, c.getHeaderField("Location"));
    }

    static JsonNode apiGet(String base, String key, String path) {
        try {
            Http h = http("GET", base + path, key, null);
            return h.code == 200 ? JSON.readTree(h.body) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static JsonNode deviceField(String base, String key, String device, String field) {
        for (JsonNode d : apiGet(base, key, "/api/devices")) {
            if (device.equals(d.path("device").asText())) {
                return d.path(field);
            }
        }
        return JSON.missingNode();
    }

    static long devicePolls(String base, String key, String device) {
        for (JsonNode d : apiGet(base, key, "/api/devices")) {
            if (device.equals(d.path("device").asText())) {
                return d.path("polls").asLong();
            }
        }
        return -1;
    }

    /**
     * {@code /metrics} through the Prometheus project's own text-format parser ({@code prometheus_client.parser}):
     * every sample as {@code name{labels}} to its value; a line it cannot parse fails the test.
     */
    static Map<String, Double> scrape(String base, String key) throws Exception {
        Http h = http("GET", base + "/metrics", key, null);
        assertEquals(200, h.code, h.body);
        Path f = Files.createTempFile("metrics", ".txt");
        Files.writeString(f, h.body);
        String py = """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                out = {}
                for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for s in fam.samples:
                        labels = ",".join('%s="%s"' % kv for kv in sorted(s.labels.items()))
                        out[s.name + ("{" + labels + "}" if labels else "")] = s.value
                print(json.dumps(out))
                """;
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", py, f.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        Files.delete(f);
        assertEquals(0, p.exitValue(), "the Prometheus parser refused /metrics: " + text);
        Map<String, Double> m = new java.util.TreeMap<>();
        JSON.readTree(text).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        return m;
    }

    /** @param out standard output and error together; {@code stdout} alone (what {@code --json} prints) */
    record Cli(int code, String out, String stdout) {
    }

    static Cli cli(String stdin, String... args) {
        try {
            return tidegate(stdin, args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Cli tidegate(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(DIST.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Cli(p.exitValue(), out + err.get(10, TimeUnit.SECONDS), out);
    }

    static boolean pythonPrometheusParser() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import prometheus_client.parser")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void require(boolean ok, String what) {
        if (ok) {
            return;
        }
        if (System.getenv("CI") != null) {
            fail(what + " is required in CI: .ci/run installs it");
        }
        Assumptions.assumeTrue(false, what + " is not installed: skipping the console browser test");
    }

    static void waitFor(Duration max, BooleanSupplier condition, String what, Path out, Process gateway) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (gateway != null && !gateway.isAlive()) {
                throw new AssertionError("the gateway exited with " + gateway.exitValue() + " while waiting for: " + what
                        + "\n--- gateway output ---\n" + tail(out));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for: " + what + "\n--- gateway output ---\n" + tail(out));
    }

    static String tail(Path out) {
        try {
            String s = Files.exists(out) ? Files.readString(out) : "";
            return s.length() > 20_000 ? s.substring(s.length() - 20_000) : s;
        } catch (IOException e) {
            return "";
        }
    }
}
