package org.tidegate.crypto.internal;

import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tidegate keygen --out PREFIX [--force]}: a new SM2 key pair in two PEM files. */
@Command(name = "keygen", description = {
        "make an SM2 key pair (PREFIX.key.pem mode 0600, PREFIX.pub.pem) and print its SM3 fingerprint", "",
        "Generates an SM2 key pair on curve sm2p256v1 and writes",
        "  PREFIX.key.pem   private key, PKCS#8 PEM, mode 0600 from the moment it exists",
        "  PREFIX.pub.pem   public key, X.509 SubjectPublicKeyInfo PEM",
        "Both are readable by `openssl pkey`. Prints the public key and its SM3 fingerprint.",
        "Existing files are never replaced unless --force is given.",
        "Example (the cloud's key pair): tidegate keygen --out /etc/tidegate-cloud/cloud"})
public class KeygenCommand implements PicocliCommand {
    @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "where the two files go")
    String prefix;

    @Option(names = "--force", description = "replace existing files (the old key is lost)")
    boolean force;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        Path key = Path.of(prefix + ".key.pem").toAbsolutePath();
        Path pub = Path.of(prefix + ".pub.pem").toAbsolutePath();
        if (!force) {
            for (Path p : new Path[] {key, pub}) {
                if (Files.exists(p)) {
                    err.println("keygen: " + p + " already exists; pass --force to replace it (the old key is lost)");
                    return 1;
                }
            }
        }
        Files.createDirectories(key.getParent());
        KeyPair kp = SmKeys.generate();
        try {
            PemKeys.writePrivateKey(key, kp.getPrivate(), force);
            PemKeys.writePublicKey(pub, kp.getPublic(), force);
        } catch (FileAlreadyExistsException e) {
            err.println("keygen: " + e.getFile() + " appeared meanwhile; nothing replaced");
            return 1;
        }
        out.println("private key " + key + " (mode 0600: keep it secret, never copy it off this machine)");
        out.println("public key  " + pub);
        out.print(PemKeys.toPem(kp.getPublic()));
        out.println("SM3 fingerprint: " + SmKeys.fingerprintGrouped(kp.getPublic()));
        return 0;
    }
}
