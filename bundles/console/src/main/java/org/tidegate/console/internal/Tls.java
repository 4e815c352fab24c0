package org.tidegate.console.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The console's HTTPS context from a PEM certificate (chain) and its PEM PKCS#8 private key (RSA or EC). */
final class Tls {
    private Tls() {
    }

    static SSLContext context(Path certificate, Path key) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> chain;
        try (var in = Files.newInputStream(certificate)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certificate + ": no certificate in it");
        }
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException(key + ": not a PEM PKCS#8 key (\"BEGIN PRIVATE KEY\"); convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
        }
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        Certificate leaf = chain.iterator().next();
        String algorithm = leaf.getPublicKey().getAlgorithm();
        PrivateKey pk = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("console", pk, none, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** For tests: whether the bytes parse as PEM certificates. */
    static boolean isCertificate(byte[] pem) {
        try {
            return !CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty();
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
