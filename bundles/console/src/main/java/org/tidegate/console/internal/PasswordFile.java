package org.tidegate.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The console password, stored as a salted slow hash (PBKDF2-HMAC-SHA256, the JDK's own) in
 * {@code HOME/keys/console-password}, mode 0600, one line: {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (base64).
 * The password itself is never written anywhere.
 */
public final class PasswordFile {
    public static final String FILE = "keys/console-password";
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.2 s on a Raspberry Pi 4, which a login can afford. */
    static final int ITERATIONS = 210_000;
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 256;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordFile() {
    }

    public static Path path(Path home) {
        return home.resolve(FILE);
    }

    /** Null if the password is acceptable; otherwise why not. */
    static String problem(char[] password) {
        if (password.length < MIN_LENGTH) {
            return "the password must have at least " + MIN_LENGTH + " characters";
        }
        if (password.length > MAX_LENGTH) {
            return "the password must have at most " + MAX_LENGTH + " characters";
        }
        return null;
    }

    /** Hashes and writes the password (atomically, 0600), replacing any earlier one. */
    public static void write(Path home, char[] password) throws IOException {
        String p = problem(password);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String line = SCHEME + ":" + ITERATIONS + ":" + b64(salt) + ":" + b64(hash(password, salt, ITERATIONS)) + "\n";
        Path file = path(home);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, line, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether a password was set. */
    public static boolean exists(Path home) {
        return Files.isRegularFile(path(home));
    }

    /**
     * Checks a password against the stored hash in constant time.
     *
     * @throws IOException if the file cannot be read or is not in the format above
     */
    public static boolean matches(Path home, char[] password) throws IOException {
        String[] f = Files.readString(path(home), StandardCharsets.US_ASCII).trim().split(":");
        if (f.length != 4 || !f[0].equals(SCHEME)) {
            throw new IOException(path(home) + ": not a " + SCHEME + " hash (set the password again with"
                    + " tidegate console-password)");
        }
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(f[1]);
            salt = Base64.getDecoder().decode(f[2]);
            expected = Base64.getDecoder().decode(f[3]);
        } catch (IllegalArgumentException e) {
            throw new IOException(path(home) + ": damaged (set the password again with tidegate console-password)");
        }
        if (iterations < 1 || iterations > 10_000_000 || password.length > MAX_LENGTH) {
            return false;
        }
        byte[] actual = hash(password, salt, iterations);
        return MessageDigest.isEqual(actual, expected);
    }

    static byte[] hash(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }

    static void wipe(char[] c) {
        Arrays.fill(c, '\0');
    }
}
