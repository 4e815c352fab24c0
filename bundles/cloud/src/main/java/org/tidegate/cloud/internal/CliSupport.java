package org.tidegate.cloud.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
                b = b.withCaFile(ca);
            }
            return b;
        }
    }
}
