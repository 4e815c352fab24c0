package org.tidegate.uplink.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * TLS for {@code ssl://} broker URLs from PEM files as openssl and mosquitto use them: the CA certificate(s)
 * that sign the broker's certificate, and optionally a client certificate with its private key. Hostname
 * verification is done by Paho ({@code setHttpsHostnameVerificationEnabled(true)}), not here.
 */
public final class TlsContexts {
    private static final char[] IN_MEMORY = "tidegate".toCharArray(); // protects a key store that never leaves RAM

    private TlsContexts() {
    }

    /**
     * @param caFile   PEM certificates to trust; null for the JVM's default trust store
     * @param certFile PEM client certificate (chain), or null
     * @param keyFile  PEM private key of the client certificate, or null
     */
    public static SSLSocketFactory socketFactory(Path caFile, Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(caFile)) {
                trust.setCertificateEntry("ca" + i++, ca);
            }
            tmf.init(trust);
        } else {
            tmf.init((KeyStore) null);
        }
        KeyManagerFactory kmf = null;
        if (certFile != null) {
            List<X509Certificate> chain = certificates(certFile);
            PrivateKey key = privateKey(keyFile);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, IN_MEMORY, chain.toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, IN_MEMORY);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = cf.generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + file);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new GeneralSecurityException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new GeneralSecurityException("no unencrypted private key in " + file
                    + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
        }
    }
}
