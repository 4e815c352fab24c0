package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;

/**
 * The provisioning form over real HTTP, as {@code tidegate run} serves it on a home without identity: only after a
 * login, writes only with the CSRF token; every refusal is the text {@code tidegate provision} prints for the same
 * input (the command itself is run beside it) and writes nothing; a good request provisions the home (key 0600, the
 * fingerprint the form shows is the key's), ends the wait and closes the port. (The one-time token login and the
 * gateway starting afterwards are in ConsoleBrowserTest, against the packaged gateway.)
 */
@Timeout(60)
class ProvisioningFormTest {
    static final String PASSWORD = "river-gauge-7";

    @TempDir
    Path dir;

    @Test
    void provisionsLikeTheCommandLineAndRefusesWithItsWords() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        int port = freePort();
        // A technician may name the console's port and interfaces before provisioning: the form honours them.
        Files.writeString(home.resolve("gateway.json"), "{\"console\": {\"port\": " + port + "}}");
        PasswordFile.write(home, PASSWORD.toCharArray());
        KeyPair cloud = SmKeys.generate();
        Path cloudFile = dir.resolve("cloud.pub.pem");
        PemKeys.writePublicKey(cloudFile, cloud.getPublic(), false);
        String cloudPem = Files.readString(cloudFile);

        CountDownLatch ready = new CountDownLatch(1);
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return new ProvisioningForm().await(home, new PrintStream(errBytes, true, StandardCharsets.UTF_8),
                        ready::countDown);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(ready.await(20, TimeUnit.SECONDS), "the form never got ready: " + errBytes);
        String base = "http://127.0.0.1:" + port;
        LocalAccess access = LocalAccess.read(home);
        assertEquals(base, access.url());

        // Nothing without a login; the form's page at / after it.
        assertEquals(401, call("GET", base + "/api/provision", null, null, null).code);
        assertEquals(401, call("POST", base + "/api/provision", null, null, "{}").code);
        Reply root = call("GET", base + "/", null, null, null);
        assertEquals(303, root.code);
        Reply status = call("GET", base + "/api/status", null, null, null, "Bearer " + access.apiKey());
        assertEquals("unprovisioned", json(status).path("state").asText(), status.body);
        ByteArrayOutputStream statusOut = new ByteArrayOutputStream();
        assertEquals(StatusCommand.NOT_RUNNING, CommandLines.execute(new StatusCommand(), List.of("--home", home.toString()),
                new PrintStream(statusOut, true, StandardCharsets.UTF_8), new PrintStream(statusOut, true, StandardCharsets.UTF_8)),
                "tidegate status while the form waits");
        assertTrue(statusOut.toString(StandardCharsets.UTF_8).contains("waits to be provisioned in the console at " + base + "/"),
                statusOut.toString(StandardCharsets.UTF_8));
        Reply login = call("POST", base + "/api/login", null, null, "{\"password\": \"" + PASSWORD + "\"}");
        assertEquals(200, login.code, login.body);
        String cookie = login.cookie.substring(0, login.cookie.indexOf(';'));
        String csrf = json(call("GET", base + "/api/session", cookie, null, null)).path("csrf").asText();
        Reply page = call("GET", base + "/", cookie, null, null);
        assertTrue(page.body.contains("id=\"provision\""), page.body);
        assertEquals(404, call("GET", base + "/api/devices", cookie, null, null).code, "only the form runs");
        JsonNode form = json(call("GET", base + "/api/provision", cookie, null, null));
        assertEquals("", form.path("id").asText());
        assertEquals("cloud", form.path("defaultCloudId").asText());
        assertEquals(403, call("POST", base + "/api/provision", cookie, null, body("gw-1", "tcp://h:1883", cloudPem, null)).code,
                "a write without the CSRF token");

        // Refusals: what the command line says for the same input, word for word; nothing written.
        byte[] config = Files.readAllBytes(home.resolve("gateway.json"));
        String[][] bad = {
            {"gw/1", "tcp://h:1883", null},
            {"x".repeat(65), "tcp://h:1883", null},
            {"gw-1", "http://h", null},
            {"gw-1", "tcp://", null},
            {"gw-1", "tcp://h:1883", "bad cloud"},
        };
        for (String[] b : bad) {
            Reply r = call("POST", base + "/api/provision", cookie, csrf, body(b[0], b[1], cloudPem, b[2]));
            assertEquals(400, r.code, r.body);
            List<String> argv = new java.util.ArrayList<>(List.of("--home", home.toString(), "--id", b[0], "--broker",
                    b[1], "--cloud-key", cloudFile.toString()));
            if (b[2] != null) {
                argv.addAll(List.of("--cloud-id", b[2]));
            }
            String cli = provisionCommand(argv);
            assertEquals(cli, "provision: " + json(r).path("error").asText(), "the form and the command line differ");
        }
        Reply notPem = call("POST", base + "/api/provision", cookie, csrf, body("gw-1", "tcp://h:1883", "not a key", null));
        assertEquals(400, notPem.code);
        assertTrue(json(notPem).path("error").asText().startsWith("cloud key: "), notPem.body);
        assertEquals(400, call("POST", base + "/api/provision", cookie, csrf, "{\"id\": 7}").code);
        assertFalse(Files.exists(home.resolve("keys/gateway.key.pem")), "a refusal wrote a key");
        assertEquals(new String(config, StandardCharsets.UTF_8), Files.readString(home.resolve("gateway.json")));
        assertFalse(waited.isDone(), "a refusal ended the wait");

        // The real thing.
        Reply ok = call("POST", base + "/api/provision", cookie, csrf, body("gw-form-1", "ssl://mqtt.example:8883",
                cloudPem, null));
        assertEquals(200, ok.code, ok.body);
        JsonNode a = json(ok);
        Path key = home.resolve("keys/gateway.key.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(SmKeys.fingerprintGrouped(PemKeys.readPublicKey(home.resolve("keys/gateway.pub.pem"))),
                a.path("fingerprint").asText(), "the fingerprint shown is the gateway key's");
        assertEquals(PemKeys.toPem(SmKeys.publicKeyOf(PemKeys.readPrivateKey(key))), a.path("publicKey").asText());
        assertTrue(a.path("starting").asBoolean(), ok.body);
        assertTrue(a.path("problems").isEmpty(), ok.body);
        JsonNode gw = Exchange.JSON.readTree(home.resolve("gateway.json").toFile());
        assertEquals("gw-form-1", gw.path("id").asText());
        assertEquals("ssl://mqtt.example:8883", gw.path("broker").path("url").asText());
        assertEquals(port, gw.path("console").path("port").asInt(), "the console section was kept");
        assertEquals(Files.readString(cloudFile), Files.readString(home.resolve("keys/cloud.pub.pem")));
        assertTrue(waited.get(10, TimeUnit.SECONDS), "the wait did not end");
        assertFalse(Files.exists(LocalAccess.path(home)), "the form's access file outlived it");
        assertThrows(ConnectException.class, () -> call("GET", base + "/login", null, null, null),
                "the form still listens: the gateway's console could not take the port");
        // And the command line agrees the home is now provisioned: the same id again keeps the key.
        String again = provisionCommandOut(List.of("--home", home.toString(), "--id", "gw-form-1", "--broker",
                "ssl://mqtt.example:8883", "--cloud-key", cloudFile.toString()));
        assertTrue(again.contains("(mode 0600, kept)") && again.contains(a.path("fingerprint").asText()), again);
    }

    @Test
    void aDisabledOrBrokenConsoleSectionMeansNoFormWithTheReason() throws Exception {
        Path home = Files.createDirectories(dir.resolve("off"));
        Files.writeString(home.resolve("gateway.json"), "{\"console\": {\"enabled\": false}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertFalse(new ProvisioningForm().await(home, new PrintStream(err, true, StandardCharsets.UTF_8), () -> { }));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the console is disabled"), err.toString());

        Files.writeString(home.resolve("gateway.json"), "{\"console\": {\"interfaces\": [\"0.0.0.0\"], \"prot\": 1}}");
        err.reset();
        assertFalse(new ProvisioningForm().await(home, new PrintStream(err, true, StandardCharsets.UTF_8), () -> { }));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("$.console.interfaces[0]") && e.contains("wildcard") && e.contains("prot"), e);
        assertFalse(Files.exists(LocalAccess.path(home)));
    }

    /** Runs the real {@code tidegate provision} (found as the launcher finds it): a refusal, its stderr. */
    private static String provisionCommand(List<String> argv) {
        return runProvision(argv, 1);
    }

    /** The same, provisioning: its stdout. */
    private static String provisionCommandOut(List<String> argv) {
        return runProvision(argv, 0);
    }

    private static String runProvision(List<String> argv, int expectedCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CommandLines.execute(provision(), asThisUser(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedCode, code, "provision " + argv + ": " + out + err);
        return (expectedCode == 0 ? out : err).toString(StandardCharsets.UTF_8).strip();
    }

    /**
     * As root (CI), provision asks whom the files are for, where a machine has the package's user: the form's
     * process keeps them, as {@code --user root} says when root runs the gateway.
     */
    private static List<String> asThisUser(List<String> argv) {
        org.tidegate.core.config.HomeAccess.User me = org.tidegate.core.config.HomeAccess.currentUser();
        if (me == null || !me.isRoot()) {
            return argv;
        }
        List<String> a = new java.util.ArrayList<>(argv);
        a.addAll(List.of("--user", "root"));
        return a;
    }

    private static PicocliCommand provision() {
        for (PicocliCommand c : ServiceLoader.load(PicocliCommand.class)) {
            picocli.CommandLine.Command a = c.getClass().getAnnotation(picocli.CommandLine.Command.class);
            if (a != null && a.name().equals("provision")) {
                return c;
            }
        }
        throw new AssertionError("no provision command on the class path");
    }

    private static String body(String id, String broker, String pem, String cloudId) {
        ObjectNode b = Exchange.JSON.createObjectNode().put("id", id).put("broker", broker).put("cloudKey", pem);
        if (cloudId != null) {
            b.put("cloudId", cloudId);
        }
        return b.toString();
    }

    private static JsonNode json(Reply r) throws IOException {
        return Exchange.JSON.readTree(r.body);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Reply(int code, String body, String cookie) {
    }

    private static Reply call(String method, String url, String cookie, String csrf, String body) throws IOException {
        return call(method, url, cookie, csrf, body, null);
    }

    private static Reply call(String method, String url, String cookie, String csrf, String body, String authorization)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10_000);
        c.setRequestMethod(method);
        if (cookie != null) {
            c.setRequestProperty("Cookie", cookie);
        }
        if (csrf != null) {
            c.setRequestProperty(ConsoleServer.CSRF_HEADER, csrf);
        }
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        if (body != null) {
            c.setDoOutput(true);
            c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Reply(code, text, c.getHeaderField("Set-Cookie"));
        }
    }
}
