package org.tidegate.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Sender id → SM2 public key: whom an opener believes. Immutable. */
public final class TrustedSenders {
    private final Map<String, PublicKey> keys;

    private TrustedSenders(Map<String, PublicKey> keys) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    public static TrustedSenders of(Map<String, PublicKey> keys) {
        keys.keySet().forEach(TrustedSenders::checkId);
        return new TrustedSenders(keys);
    }

    public static TrustedSenders of(String senderId, PublicKey key) {
        return of(Map.of(senderId, key));
    }

    /**
     * Loads every {@code <id>.pub.pem} and {@code <id>.pem} in {@code dir} (not recursive) as the public key
     * of sender {@code <id>}. Files ending in {@code .key.pem} (private keys) are skipped. A file that is not
     * an SM2 public key, or two files for the same id, is an error naming the file.
     */
    public static TrustedSenders loadDirectory(Path dir) throws IOException {
        Map<String, PublicKey> keys = new TreeMap<>();
        Map<String, Path> from = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pem")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".key.pem") || !Files.isRegularFile(file)) {
                    continue;
                }
                String id = name.endsWith(".pub.pem") ? name.substring(0, name.length() - ".pub.pem".length())
                        : name.substring(0, name.length() - ".pem".length());
                if (id.isEmpty()) {
                    continue;
                }
                Path earlier = from.put(id, file);
                if (earlier != null) {
                    throw new IOException("two public keys for sender \"" + id + "\": " + earlier + " and " + file);
                }
                try {
                    checkId(id);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": " + e.getMessage(), e);
                }
                keys.put(id, PemKeys.readPublicKey(file));
            }
        }
        return new TrustedSenders(keys);
    }

    public Optional<PublicKey> key(String senderId) {
        return Optional.ofNullable(keys.get(senderId));
    }

    public Map<String, PublicKey> asMap() {
        return keys;
    }

    public TrustedSenders with(String senderId, PublicKey key) {
        checkId(senderId);
        Map<String, PublicKey> m = new LinkedHashMap<>(keys);
        m.put(senderId, key);
        return new TrustedSenders(m);
    }

    private static void checkId(String id) {
        int n = id.getBytes(StandardCharsets.UTF_8).length;
        if (n < 1 || n > Envelope.MAX_SENDER_ID_BYTES) {
            throw new IllegalArgumentException("sender id \"" + id + "\" must be 1…64 UTF-8 bytes");
        }
    }
}
