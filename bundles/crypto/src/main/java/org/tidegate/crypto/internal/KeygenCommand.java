package org.tidegate.crypto.internal;

import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;

/** {@code tidegate keygen --out PREFIX [--force]}: a new SM2 key pair in two PEM files. */
public class KeygenCommand implements Subcommand {

    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "make an SM2 key pair (PREFIX.key.pem mode 0600, PREFIX.pub.pem) and print its SM3 fingerprint";
    }

    @Override
    public String usage() {
        return """
                tidegate keygen --out PREFIX [--force]

                Generates an SM2 key pair on curve sm2p256v1 and writes
                  PREFIX.key.pem   private key, PKCS#8 PEM, mode 0600 from the moment it exists
                  PREFIX.pub.pem   public key, X.509 SubjectPublicKeyInfo PEM
                Both are readable by `openssl pkey`. Prints the public key and its SM3 fingerprint.
                Existing files are never replaced unless --force is given.
                Example (the cloud's key pair): tidegate keygen --out /etc/tidegate-cloud/cloud""";
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, Set.of("out"), Set.of("force"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument " + args.positional().get(0));
        }
        String prefix = args.require("out");
        boolean force = args.flag("force");
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
