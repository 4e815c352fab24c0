package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One HTTP request and its answer, with the console's bounds (bodies up to {@value #MAX_BODY} bytes). */
final class Exchange {
    static final int MAX_BODY = 16 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpExchange http;

    Exchange(HttpExchange http) {
        this.http = http;
    }

    String method() {
        return http.getRequestMethod();
    }

    String path() {
        return http.getRequestURI().getPath();
    }

    String address() {
        return http.getRemoteAddress().getAddress().getHostAddress();
    }

    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** Every value of one query parameter. */
    List<String> query(String name) {
        List<String> out = new ArrayList<>();
        String q = http.getRequestURI().getRawQuery();
        if (q == null) {
            return out;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                out.add(eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    String cookie(String name) {
        List<String> all = http.getRequestHeaders().get("Cookie");
        if (all == null) {
            return null;
        }
        for (String header : all) {
            for (String c : header.split(";")) {
                String t = c.trim();
                if (t.startsWith(name + "=")) {
                    return t.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    /** The request body as JSON (an object), or null if it is not one or is too large. */
    JsonNode jsonBody() throws IOException {
        try (InputStream in = http.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                return null;
            }
            JsonNode n = JSON.readTree(b);
            return n != null && n.isObject() ? n : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    void json(int status, Object body) throws IOException {
        send(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    void error(int status, String message) throws IOException {
        json(status, Map.of("error", message));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        var h = http.getResponseHeaders();
        h.set("Content-Type", contentType);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }
    }

    void redirect(String to) throws IOException {
        http.getResponseHeaders().set("Location", to);
        http.sendResponseHeaders(303, -1);
    }
}
