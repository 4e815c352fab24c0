package org.tidegate.cloud.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.core.cli.Args;

/** Broker options shared by the cloud subcommands. */
final class CliSupport {
    static final String BROKER_OPTIONS = """
              --broker URL          tcp://host:port or ssl://host:port (required)
              --ca FILE             PEM CA certificate(s) for ssl:// (default: the JVM trust store)
              --username NAME       broker user name
              --password-env VAR    environment variable holding the broker password
              --prefix P            topic prefix (default tidegate)
              --cloud-id ID         the cloud's sender id (default cloud)
            """;

    private CliSupport() {
    }

    static BrokerConnection broker(Args a, String clientBase) throws Args.UsageException, IOException,
            GeneralSecurityException {
        String url = a.require("broker");
        if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
            throw new Args.UsageException("--broker must be tcp://host:port or ssl://host:port, got " + url);
        }
        BrokerConnection b = BrokerConnection.of(url, clientBase);
        if (a.get("username") != null) {
            String env = a.get("password-env");
            String password = env == null ? "" : System.getenv(env);
            b = b.withCredentials(a.get("username"), password == null ? "" : password);
        }
        if (url.startsWith("ssl://") && a.get("ca") != null) {
            b = b.withTls(caOnly(Path.of(a.get("ca"))));
        }
        return b;
    }

    /** Trusts exactly the certificates in {@code ca}; Paho verifies the host name. */
    static SSLSocketFactory caOnly(Path ca) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + ca);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
