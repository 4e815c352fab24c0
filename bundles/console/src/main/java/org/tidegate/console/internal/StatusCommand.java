package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.tidegate.core.cli.PicocliCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate status --home DIR [--json]}: the running gateway's overview, read from its console's API on
 * loopback ({@code GET /api/status}, the same document the overview page shows) with the local API key from
 * {@link LocalAccess}. Exit 0 when it answered, 3 when no gateway runs on that home (as {@code systemctl status}),
 * 1 when it answered with an error.
 */
@Command(name = "status", description = {
        "the running gateway's overview (broker, queue, devices, alarms); exit 3 if it is not running", "",
        "Asks the gateway running on DIR for its overview through the local console's API on loopback",
        "(docs/console.md) and prints a summary: id, version, uptime, SM3 fingerprint, configuration",
        "revision, broker connection and last PUBACK, queue depth and oldest message, evictions, devices",
        "and open alarms.",
        "Exit status: 0 running, 3 not running (or its console is disabled, or it waits to be provisioned),",
        "1 the gateway answered with an error, 2 a usage mistake."})
public final class StatusCommand implements PicocliCommand {
    static final int NOT_RUNNING = 3;
    private static final int TIMEOUT_MS = 5_000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Option(names = "--home", required = true, paramLabel = "DIR", description = "the gateway's home directory")
    Path homeOption;

    @Option(names = "--json", description = "print the API's status document as it is (for scripts)")
    boolean json;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        Path home = homeOption.toAbsolutePath().normalize();
        LocalAccess access = LocalAccess.read(home);
        if (access == null) {
            err.println("tidegate status: the gateway on " + home + " is not running (no " + LocalAccess.FILE
                    + "), or runs without its console: disabled in gateway.json, or it could not listen (the log says"
                    + " \"console: not started\"; it tries again every 30 s)");
            return NOT_RUNNING;
        }
        JsonNode status;
        try {
            status = get(access, "/api/status");
        } catch (ConnectException e) {
            err.println("tidegate status: the gateway on " + home + " is not running (nothing answers at "
                    + access.url() + ")");
            return NOT_RUNNING;
        } catch (HttpError e) {
            err.println("tidegate status: the gateway answered " + e.getMessage());
            return 1;
        }
        if ("unprovisioned".equals(status.path("state").asText())) {
            err.println("tidegate status: the gateway on " + home + " is not running: it has no identity yet and"
                    + " waits to be provisioned in the console at " + status.path("form").asText()
                    + " (one-time login token in its log) or with tidegate provision --home " + home);
            return NOT_RUNNING;
        }
        JsonNode files = filesOnDisk(access);
        if (json) {
            if (status instanceof com.fasterxml.jackson.databind.node.ObjectNode o && files != null) {
                o.putObject("configFiles").put("valid", files.path("valid").asBoolean(true))
                        .set("errors", files.path("errors"));
            }
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            print(status, out);
            JsonNode errors = files == null ? null : files.path("errors");
            if (errors != null && !files.path("valid").asBoolean(true) && errors.isArray()) {
                // the running configuration stays in force, but the technician at the cabinet must hear of it
                out.printf("  files        %d error(s) in the files on disk, not applied (the revision above stays in"
                        + " force): tidegate validate --home %s%n", errors.size(), home);
                if (!errors.isEmpty()) {
                    out.printf("               first: %s%n", errors.get(0).asText());
                }
            }
        }
        return 0;
    }

    /** What the gateway makes of the files on disk now ({@code /api/config}), or null if it cannot say. */
    private static JsonNode filesOnDisk(LocalAccess access) {
        try {
            JsonNode c = get(access, "/api/config");
            return c.has("valid") ? c : null;
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    static final class HttpError extends IOException {
        HttpError(String m) {
            super(m);
        }
    }

    static JsonNode get(LocalAccess access, String path) throws IOException, GeneralSecurityException {
        HttpURLConnection c = (HttpURLConnection) new URL(access.url() + path).openConnection();
        if (c instanceof HttpsURLConnection https) {
            pin(https, access.certificate());
        }
        c.setConnectTimeout(TIMEOUT_MS);
        c.setReadTimeout(TIMEOUT_MS);
        c.setRequestProperty("Authorization", "Bearer " + access.apiKey());
        int code = c.getResponseCode();
        try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            byte[] body = in == null ? new byte[0] : in.readNBytes(4 << 20);
            if (code != 200) {
                throw new HttpError(code + ": " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
            }
            return new ObjectMapper().readTree(body);
        }
    }

    /** Trusts exactly the console's own certificate (a loopback connection: the name need not match). */
    private static void pin(HttpsURLConnection c, String certificate) throws IOException, GeneralSecurityException {
        if (certificate == null || certificate.isBlank()) {
            throw new IOException("the console runs HTTPS but " + LocalAccess.FILE + " names no certificate");
        }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(certificate))) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ts.setCertificateEntry("console-" + i++, cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setHostnameVerifier((host, session) -> true);
    }

    static void print(JsonNode s, PrintStream out) {
        long now = System.currentTimeMillis();
        out.printf("tidegate %s: %s, up %s, version %s%n", s.path("gateway").asText(), s.path("state").asText(),
                age(s.path("uptimeMs").asLong()), s.path("version").asText());
        out.printf("  fingerprint  %s%n", s.path("fingerprint").asText("—"));
        out.printf("  config       revision %s%n", s.path("configRevision").asText("—"));
        JsonNode u = s.path("uplink");
        if (u.isObject()) {
            long ack = u.path("lastAckAt").asLong();
            out.printf("  broker       %s %s; %d reconnect(s); last PUBACK %s%s%n", u.path("broker").asText(),
                    u.path("connected").asBoolean() ? "connected" : "DISCONNECTED", u.path("reconnects").asLong(),
                    ack == 0 ? "never" : CLOCK.format(Instant.ofEpochMilli(ack)) + " (" + age(now - ack) + " ago)",
                    u.path("lastError").asText().isEmpty() ? "" : "; last error: " + u.path("lastError").asText());
        } else {
            out.println("  broker       (uplink not running)");
        }
        JsonNode q = s.path("queue");
        if (q.path("available").asBoolean(true)) {
            out.printf("  queue        %d message(s), %d bytes, oldest %s; appended %d, delivered %d, evicted %d%s%n",
                    q.path("messages").asLong(), q.path("bytes").asLong(), age(q.path("oldestAgeMs").asLong()),
                    q.path("appended").asLong(), q.path("delivered").asLong(), q.path("evictedTotal").asLong(),
                    q.path("diskFull").asBoolean() ? "; DISK FULL" : "");
        } else {
            out.println("  queue        (store not available)");
        }
        JsonNode devices = s.path("devices");
        long up = 0;
        for (JsonNode d : devices) {
            up += "up".equals(d.path("state").asText()) ? 1 : 0;
        }
        out.printf("  devices      %d (%d up)%n", devices.size(), up);
        long open = 0;
        for (JsonNode d : devices) {
            StringBuilder alarms = new StringBuilder();
            for (JsonNode a : d.path("alarms")) {
                alarms.append(alarms.length() == 0 ? "  alarms: " : ", ").append(a.asText());
                open++;
            }
            out.printf("    %-12s %-8s polls %-6d failed %-5d last poll %d ms%s%s%n", d.path("device").asText(),
                    d.path("state").asText(), d.path("polls").asLong(), d.path("failedPolls").asLong(),
                    d.path("lastPollMs").asLong(),
                    d.path("lastError").asText().isEmpty() ? "" : "  last error: " + d.path("lastError").asText(),
                    alarms);
        }
        out.printf("  alarms       %d open%n", open);
    }

    static String age(long ms) {
        long s = Math.max(0, ms / 1000);
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }
}
