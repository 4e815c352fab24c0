package org.tidegate.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.tidegate.crypto.internal.AtomicFiles;

/**
 * SM2 keys in PEM files: private keys as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), public keys as
 * X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}), the forms {@code openssl pkey} reads and
 * {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2} writes (OpenSSL 3.0 uses
 * id-ecPublicKey with the named curve OID 1.2.156.10197.1.301). Reading also accepts a SEC1
 * {@code BEGIN EC PRIVATE KEY} file ({@code openssl ecparam -name SM2 -genkey}).
 */
public final class PemKeys {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PemKeys() {
    }

    public static String toPem(PublicKey key) throws InvalidKeyException {
        return pem("PUBLIC KEY", SmKeys.spki(key));
    }

    public static String toPem(PrivateKey key) throws InvalidKeyException {
        return pem("PRIVATE KEY", SmKeys.pkcs8(key));
    }

    /**
     * Writes a private key file with mode 0600 from the moment it exists, atomically.
     *
     * @param overwrite replace an existing file; if false an existing file is an error and stays untouched
     */
    public static void writePrivateKey(Path file, PrivateKey key, boolean overwrite)
            throws IOException, InvalidKeyException {
        AtomicFiles.write(file, toPem(key).getBytes(StandardCharsets.US_ASCII), AtomicFiles.OWNER_ONLY, overwrite);
    }

    /** Writes a public key file (mode 0644) atomically. */
    public static void writePublicKey(Path file, PublicKey key, boolean overwrite)
            throws IOException, InvalidKeyException {
        AtomicFiles.write(file, toPem(key).getBytes(StandardCharsets.US_ASCII), AtomicFiles.WORLD_READABLE,
                overwrite);
    }

    /**
     * Reads a private key after checking its file mode.
     *
     * @throws InsecureKeyFileException if group or others have any permission on the file
     * @throws IOException              if the file is missing, not PEM, or not an SM2 private key (message names the file)
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        checkPrivateKeyPermissions(file);
        Object o = readPemObject(file);
        PrivateKeyInfo info;
        if (o instanceof PrivateKeyInfo p) {
            info = p;
        } else if (o instanceof PEMKeyPair kp) {
            info = kp.getPrivateKeyInfo();
        } else {
            throw new IOException(file + " holds no unencrypted private key (found "
                    + (o == null ? "nothing" : describe(o)) + "); expected BEGIN PRIVATE KEY");
        }
        try {
            return SmKeys.privateKeyFromPkcs8(info.getEncoded());
        } catch (InvalidKeyException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a public key ({@code BEGIN PUBLIC KEY}). */
    public static PublicKey readPublicKey(Path file) throws IOException {
        Object o = readPemObject(file);
        if (!(o instanceof SubjectPublicKeyInfo spki)) {
            throw new IOException(file + " holds no public key (found " + (o == null ? "nothing" : describe(o))
                    + "); expected BEGIN PUBLIC KEY");
        }
        try {
            return SmKeys.publicKeyFromSpki(spki.getEncoded());
        } catch (InvalidKeyException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a public key PEM string. */
    public static PublicKey parsePublicKey(String pem) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (!(o instanceof SubjectPublicKeyInfo spki)) {
                throw new IOException("no BEGIN PUBLIC KEY block");
            }
            return SmKeys.publicKeyFromSpki(spki.getEncoded());
        } catch (InvalidKeyException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Refuses a private key file that group or others can access in any way. On file systems without POSIX
     * permissions there is nothing to check.
     *
     * @throws InsecureKeyFileException naming the file and its mode
     */
    public static void checkPrivateKeyPermissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        Path real = file.toRealPath();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(real);
        for (PosixFilePermission p : perms) {
            if (GROUP_OR_OTHERS.contains(p)) {
                throw new InsecureKeyFileException(file, mode(perms));
            }
        }
    }

    /** The permissions as four octal digits, e.g. {@code 0600}. */
    public static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m);
    }

    private static Object readPemObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist or is not a regular file");
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        try (PEMParser p = new PEMParser(new StringReader(text))) {
            return p.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a readable PEM file: " + e.getMessage(), e);
        }
    }

    private static String describe(Object o) {
        return o.getClass().getSimpleName();
    }

    private static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }
}
