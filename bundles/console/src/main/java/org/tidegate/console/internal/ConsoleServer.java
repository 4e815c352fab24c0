package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import org.tinylog.Logger;

/**
 * The console's HTTP(S) side: one JDK {@code HttpServer} per address it may listen on (loopback and the configured
 * interfaces, never the wildcard), the login, sessions, the read-only API key, the static pages, and the dispatch of
 * the API. Every request but the login page and its assets needs a live session (or, for GET, the local API key);
 * every write needs the session's CSRF token and is logged with who made it.
 */
final class ConsoleServer implements AutoCloseable {
    static final String COOKIE = "tidegate_session";
    static final String CSRF_HEADER = "X-Tidegate-Csrf";
    private static final String WEB = "/org/tidegate/console/web/";
    /** The page a gateway without identity serves instead of the console's ({@link ProvisioningForm}). */
    static final String PROVISION_PAGE = "provision.html";
    private static final String INDEX_PAGE = "index.html";
    private static final Map<String, String> ASSETS = Map.of(
            "/app.js", "app.js", "/style.css", "style.css", "/login", "login.html", "/login.js", "login.js",
            "/provision.js", "provision.js");
    private static final List<String> PUBLIC = List.of("/login", "/login.js", "/style.css");

    private final ConsoleSettings settings;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final String apiKey;
    private final Routes routes;
    private final List<HttpServer> servers = new ArrayList<>();
    // filled lazily by the server's worker threads, several at once when a browser loads a page
    private final Map<String, byte[]> assets = new java.util.concurrent.ConcurrentHashMap<>();
    private final String index;

    /** The API behind the pages: each returns what goes into the JSON answer. */
    interface Routes {
        void handle(Exchange x, String user) throws IOException;
    }

    ConsoleServer(ConsoleSettings settings, Sessions sessions, LoginGuard guard, String apiKey, Routes routes) {
        this(settings, sessions, guard, apiKey, routes, INDEX_PAGE);
    }

    /** @param index the page at {@code /}: the console's, or {@link #PROVISION_PAGE} */
    ConsoleServer(ConsoleSettings settings, Sessions sessions, LoginGuard guard, String apiKey, Routes routes,
                  String index) {
        this.index = index;
        this.settings = settings;
        this.sessions = sessions;
        this.guard = guard;
        this.apiKey = apiKey;
        this.routes = routes;
    }

    /**
     * Binds loopback and every configured interface; an address that cannot be bound (not on this machine, port
     * taken) is logged and skipped.
     *
     * @return the addresses bound, e.g. {@code 127.0.0.1:8780}
     * @throws IOException if not even loopback could be bound
     */
    List<String> start(ExecutorService executor) throws IOException {
        SSLContext tls = null;
        if (settings.https()) {
            try {
                tls = Tls.context(settings.tlsCertificate(), settings.tlsKey());
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("console: HTTPS certificate or key unusable: " + e.getMessage(), e);
            }
        }
        List<String> addresses = new ArrayList<>();
        addresses.add("127.0.0.1");
        for (String a : settings.interfaces()) {
            if (!addresses.contains(a)) {
                addresses.add(a);
            }
        }
        List<String> bound = new ArrayList<>();
        List<String> others = new ArrayList<>();
        IOException loopbackFailure = null;
        for (String a : addresses) {
            try {
                InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(a), settings.port());
                HttpServer s;
                if (tls != null) {
                    HttpsServer hs = HttpsServer.create(at, 16);
                    hs.setHttpsConfigurator(new HttpsConfigurator(tls));
                    s = hs;
                } else {
                    s = HttpServer.create(at, 16);
                }
                s.createContext("/", h -> dispatch(new Exchange(h)));
                s.setExecutor(executor);
                s.start();
                servers.add(s);
                bound.add(a + ":" + s.getAddress().getPort());
            } catch (IOException e) {
                if (a.equals("127.0.0.1")) {
                    loopbackFailure = e;
                } else {
                    others.add(a + ":" + settings.port() + ": " + e.getMessage());
                }
            }
        }
        if (loopbackFailure != null) {
            close();
            throw loopbackFailure; // the caller says it (once, and again rate-limited when it retries)
        }
        for (String o : others) {
            Logger.error("console: cannot listen on {}", o);
        }
        return bound;
    }

    /** The loopback server's port (the configured one, or the one the system chose for port 0 in tests). */
    int port() {
        return servers.isEmpty() ? -1 : servers.get(0).getAddress().getPort();
    }

    private void dispatch(Exchange x) {
        try {
            String path = x.path();
            if (path.equals("/api/login") && x.method().equals("POST")) {
                login(x);
                return;
            }
            if (PUBLIC.contains(path) && x.method().equals("GET")) {
                asset(x, ASSETS.get(path));
                return;
            }
            Sessions.Session s = sessions.find(x.cookie(COOKIE));
            String user;
            if (s != null) {
                user = s.user();
                if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
                    String csrf = x.header(CSRF_HEADER);
                    if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                            s.csrf().getBytes(StandardCharsets.UTF_8))) {
                        x.error(403, "missing or wrong " + CSRF_HEADER + " header (reload the page)");
                        return;
                    }
                }
            } else if (x.method().equals("GET") && bearerOk(x.header("Authorization"))) {
                user = "api-key";
            } else {
                if (path.startsWith("/api/") || path.equals("/metrics")) {
                    x.error(401, "log in first");
                } else {
                    x.redirect("/login");
                }
                return;
            }
            if (path.equals("/api/logout") && x.method().equals("POST")) {
                sessions.remove(s == null ? null : s.id());
                x.http.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
                Logger.info("console: user={} from={} logged out", user, x.address());
                x.json(200, Map.of("ok", true));
                return;
            }
            if (path.equals("/api/session")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("user", user);
                m.put("csrf", s == null ? "" : s.csrf());
                m.put("expiresAt", s == null ? 0 : s.expiresAt());
                m.put("gateway", settings.gatewayId());
                x.json(200, m);
                return;
            }
            if ((path.equals("/") || path.equals("/index.html")) && x.method().equals("GET")) {
                asset(x, index);
                return;
            }
            if (ASSETS.containsKey(path) && x.method().equals("GET")) {
                asset(x, ASSETS.get(path));
                return;
            }
            routes.handle(x, user);
        } catch (IOException e) {
            Logger.debug("console: {} {}: {}", x.method(), x.path(), e.getMessage());
        } catch (RuntimeException e) {
            Logger.error(e, "console: {} {} failed", x.method(), x.path());
            try {
                x.error(500, "internal error: " + e.getClass().getSimpleName());
            } catch (IOException ignored) {
                // the client went away
            }
        } finally {
            x.http.close();
        }
    }

    private boolean bearerOk(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                apiKey.getBytes(StandardCharsets.UTF_8));
    }

    private void login(Exchange x) throws IOException {
        JsonNode body = x.jsonBody();
        String secret = body == null ? null : body.path("password").asText(null);
        LoginGuard.Result r = guard.attempt(secret, x.address());
        switch (r.outcome()) {
            case RATE_LIMITED -> {
                x.http.getResponseHeaders().set("Retry-After", "60");
                x.error(429, "too many login attempts: wait a minute");
            }
            case WRONG -> x.error(401, guard.passwordSet() ? "wrong password"
                    : "wrong token (no password is set: use the one-time token from the gateway's log)");
            case OK -> {
                Sessions.Session s = sessions.create(r.user(), x.address());
                String secure = settings.https() ? "; Secure" : "";
                // A browser-session cookie: the server ends the session (idle time, maximum age), not the cookie.
                x.http.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + s.id()
                        + "; Path=/; HttpOnly; SameSite=Strict" + secure);
                Logger.info("console: user={} from={} logged in (session ends after {} s without a request)", r.user(),
                        x.address(), settings.sessionSeconds());
                x.json(200, Map.of("ok", true, "user", r.user(), "expiresAt", s.expiresAt()));
            }
        }
    }

    private void asset(Exchange x, String name) throws IOException {
        byte[] b = assets.computeIfAbsent(name, ConsoleServer::load);
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        x.send(200, type, b);
    }

    private static byte[] load(String name) {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(WEB + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset missing from the bundle: " + name);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
        servers.clear();
    }
}
