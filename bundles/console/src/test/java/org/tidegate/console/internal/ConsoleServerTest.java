package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.testing.ExternalTools;

/**
 * The console's HTTP layer on real sockets: HTTPS with a certificate made by openssl, the login, the session cookie
 * (Secure under HTTPS), the CSRF check on writes, the read-only API key, and 401 for everything else.
 */
class ConsoleServerTest {
    @TempDir
    Path home;

    @Test
    void httpsLoginSessionCsrfAndApiKey() throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("openssl"), "openssl not installed");
        Path cert = home.resolve("keys/console.crt.pem");
        Path key = home.resolve("keys/console.key.pem");
        Files.createDirectories(cert.getParent());
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=gw-test", "-days", "2",
                "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        PasswordFile.write(home, "river-gauge-7".toCharArray());

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConsoleSettings settings = new ConsoleSettings("gw-test", home, true, port, List.of(), 60, 5, 1, cert, key);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ConsoleServer server = new ConsoleServer(settings, new Sessions(60_000, System::currentTimeMillis),
                new LoginGuard(home, 5), "the-api-key", (x, user) -> x.json(200, Map.of("user", user, "path", x.path())));
        try {
            assertEquals(List.of("127.0.0.1:" + port), server.start(pool));
            String base = "https://127.0.0.1:" + port;
            SSLContext trust = trusting(cert);

            assertEquals(401, call(trust, "GET", base + "/api/status", null, null, null).code);
            assertEquals(200, call(trust, "GET", base + "/api/status", "Bearer the-api-key", null, null).code);
            assertEquals(401, call(trust, "POST", base + "/api/actions/restart", "Bearer the-api-key", null, "{}").code,
                    "the API key reads only");
            assertEquals(401, call(trust, "POST", base + "/api/login", null, null, "{\"password\":\"wrong-one\"}").code);

            Reply login = call(trust, "POST", base + "/api/login", null, null, "{\"password\":\"river-gauge-7\"}");
            assertEquals(200, login.code, login.body);
            assertTrue(login.cookie.contains("HttpOnly") && login.cookie.contains("SameSite=Strict")
                    && login.cookie.contains("Secure"), login.cookie);
            String cookie = login.cookie.substring(0, login.cookie.indexOf(';'));
            Reply session = call(trust, "GET", base + "/api/session", null, cookie, null);
            assertEquals(200, session.code);
            String csrf = Exchange.JSON.readTree(session.body).path("csrf").asText();
            assertEquals(64, csrf.length());

            assertEquals(403, call(trust, "POST", base + "/api/actions/restart", null, cookie, "{}").code, "no CSRF header");
            Reply write = call(trust, "POST", base + "/api/actions/restart", null, cookie + "\n" + csrf, "{}");
            assertEquals(200, write.code, write.body);
            assertTrue(write.body.contains("\"user\":\"admin\""), write.body);

            // Plain HTTP on the HTTPS port gets no answer it could read.
            assertThrows(IOException.class, () -> {
                HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/api/status").openConnection();
                c.setReadTimeout(3000);
                int code = c.getResponseCode();
                if (code != 401) {
                    throw new IOException("answered " + code);
                }
            });
            // A client that does not trust the certificate is refused by TLS.
            assertThrows(SSLException.class, () -> ((HttpsURLConnection) new URL(base + "/login").openConnection())
                    .getResponseCode());
        } finally {
            server.close();
            pool.shutdownNow();
        }
    }

    record Reply(int code, String body, String cookie) {
    }

    /** {@code cookie} may carry the CSRF token after a newline. */
    static Reply call(SSLContext trust, String method, String url, String authorization, String cookie, String body)
            throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
        c.setSSLSocketFactory(trust.getSocketFactory());
        c.setRequestMethod(method);
        c.setConnectTimeout(3000);
        c.setReadTimeout(5000);
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        if (cookie != null) {
            String[] parts = cookie.split("\n");
            c.setRequestProperty("Cookie", parts[0]);
            if (parts.length > 1) {
                c.setRequestProperty(ConsoleServer.CSRF_HEADER, parts[1]);
            }
        }
        if (body != null) {
            c.setDoOutput(true);
            c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String setCookie = c.getHeaderField("Set-Cookie");
        return new Reply(code, text, setCookie == null ? "" : setCookie);
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            ts.setCertificateEntry("console", c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
