package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * {@code HOME/data/console-access.json} (mode 0600, written at start, deleted at stop): where the running console
 * listens on loopback and a read-only API key for local readers — {@code tidegate status} and a Prometheus scraper
 * on the board, and, for HTTPS, the certificate that local readers pin. Whoever can read the gateway's home can read its status anyway; the key opens GET requests only.
 */
public record LocalAccess(String url, String apiKey, String certificate) {
    public static final String FILE = "data/console-access.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path path(Path home) {
        return home.resolve(FILE);
    }

    void write(Path home) throws IOException {
        Path file = path(home);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, JSON.writeValueAsString(Map.of("url", url, "apiKey", apiKey,
                "certificate", certificate == null ? "" : certificate)), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's content, or null when there is none (no console has run here, or it stopped). */
    public static LocalAccess read(Path home) throws IOException {
        Path file = path(home);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        return new LocalAccess(n.path("url").asText(""), n.path("apiKey").asText(""), n.path("certificate").asText(""));
    }

    static void delete(Path home) {
        try {
            Files.deleteIfExists(path(home));
        } catch (IOException ignored) {
            // a stale file only makes tidegate status try a closed port
        }
    }
}
