package org.tidegate.cloud.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.osgi.annotation.versioning.ProviderType;
import org.tidegate.cloud.BrokerConnection;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The broker options of every cloud-side command, declared once: {@code @Mixin BrokerOptions broker;}. A
 * {@code --broker} that is neither {@code tcp://} nor {@code ssl://} is a usage mistake found while parsing, so every
 * command reports it the same way before it reads any file.
 */
@ProviderType
public final class BrokerOptions {
    /** The command that mixes these options in: usage mistakes are reported as that command's. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private String url;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "PEM CA certificate(s) for ssl:// (default: the JVM trust store)")
    private Path ca;

    @Option(names = "--username", paramLabel = "NAME", description = "broker user name")
    private String username;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "environment variable holding the broker password")
    private String passwordEnv;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = "tidegate",
            description = "topic prefix (default ${DEFAULT-VALUE})")
    private String prefix;

    @Option(names = "--broker", required = true, paramLabel = "URL", description = "tcp://host:port or ssl://host:port")
    void url(String value) {
        if (!value.startsWith("tcp://") && !value.startsWith("ssl://")) {
            throw new ParameterException(mixee.commandLine(),
                    "--broker must be tcp://host:port or ssl://host:port, got " + value);
        }
        url = value;
    }

    /** @return {@code tcp://host:port} or {@code ssl://host:port} */
    public String url() {
        return url;
    }

    /** @return the CA file for {@code ssl://}, or null for the JVM trust store */
    public Path ca() {
        return ca;
    }

    /** @return the broker user name, or null for none */
    public String username() {
        return username;
    }

    /** @return the broker password read from {@code --password-env}, empty when it is not given or not set */
    public String password() {
        String password = passwordEnv == null ? null : System.getenv(passwordEnv);
        return password == null ? "" : password;
    }

    /** @return the topic prefix, {@code tidegate} by default */
    public String prefix() {
        return prefix;
    }

    /**
     * @param clientBase the client id's stem: a clean session with id {@code clientBase-xxxxxxxx}
     *                   ({@link BrokerConnection#persistent} on the result for a fixed id)
     * @return the connection these options describe: credentials when {@code --username} is given, TLS trusting
     * exactly {@code --ca} for {@code ssl://}
     * @throws IOException              the CA file cannot be read
     * @throws GeneralSecurityException the CA file holds no certificate
     */
    public BrokerConnection connection(String clientBase) throws IOException, GeneralSecurityException {
        BrokerConnection b = BrokerConnection.of(url, clientBase);
        if (username != null) {
            b = b.withCredentials(username, password());
        }
        if (url.startsWith("ssl://") && ca != null) {
            b = b.withCaFile(ca);
        }
        return b;
    }
}
