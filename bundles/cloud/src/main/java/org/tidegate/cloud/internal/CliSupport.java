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
import picocli.CommandLine.Option;

/** Broker options shared by the cloud subcommands: {@code @Mixin CliSupport.BrokerOptions broker}. */
final class CliSupport {
    private CliSupport() {
    }

    static final class BrokerOptions {
        @Option(names = "--broker", required = true, paramLabel = "URL", description = "tcp://host:port or ssl://host:port")
        String url;

        @Option(names = "--ca", paramLabel = "FILE", description = "PEM CA certificate(s) for ssl:// (default: the JVM trust store)")
        Path ca;

        @Option(names = "--username", paramLabel = "NAME", description = "broker user name")
        String username;

        @Option(names = "--password-env", paramLabel = "VAR", description = "environment variable holding the broker password")
        String passwordEnv;

        @Option(names = "--prefix", paramLabel = "P", defaultValue = "tidegate", description = "topic prefix (default ${DEFAULT-VALUE})")
        String prefix;

        @Option(names = "--cloud-id", paramLabel = "ID", defaultValue = "cloud", description = "the cloud's sender id (default ${DEFAULT-VALUE})")
        String cloudId;

        BrokerConnection connection(String clientBase) throws Args.UsageException, IOException, GeneralSecurityException {
            if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
                throw new Args.UsageException("--broker must be tcp://host:port or ssl://host:port, got " + url);
            }
            BrokerConnection b = BrokerConnection.of(url, clientBase);
            if (username != null) {
                String password = passwordEnv == null ? "" : System.getenv(passwordEnv);
                b = b.withCredentials(username, password == null ? "" : password);
            }
            if (url.startsWith("ssl://") && ca != null) {
                b = b.withTls(caOnly(ca));
            }
            return b;
        }
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
