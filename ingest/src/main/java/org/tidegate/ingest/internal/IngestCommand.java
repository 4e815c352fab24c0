package org.tidegate.ingest.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.ingest.IngestOptions;
import org.tidegate.ingest.IngestService;

/** {@code tidegate ingest}: the ingest service from the command line; runs until SIGTERM (or {@code --for}). */
public final class IngestCommand implements Subcommand {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String summary() {
        return "cloud side: store what gateways publish in PostgreSQL, exactly once (shared subscription, scale-out)";
    }

    @Override
    public String usage() {
        return """
                tidegate ingest --broker URL --db JDBC-URL --key cloud.key.pem --trust DIR [options]
                  Subscribes to {prefix}/+/telemetry/+, alarm/+, status and reply through the shared subscription
                  $share/GROUP/..., verifies every envelope as `receive` does (signature, decryption, topic route),
                  stores it in PostgreSQL once per (gateway, sequence) and acknowledges it only after the commit.
                  Refused messages go to the audit table. Creates and migrates the schema (docs/ingest.md).
                  --broker URL          tcp://host:port or ssl://host:port (required)
                  --db JDBC-URL         jdbc:postgresql://host:port/db[?user=..] (required)
                  --db-user NAME        database user (default: from the URL)
                  --db-password-env VAR environment variable holding the database password
                  --key FILE            the cloud's SM2 private key (PKCS#8 PEM)
                  --trust DIR           registered gateways' public keys, one PEM per gateway id (GW.pem or GW.pub.pem)
                  --group NAME          shared-subscription group (default tidegate-ingest)
                  --id ID               this instance's MQTT client id, stable across restarts (default
                                        GROUP-HOSTNAME): its persistent session keeps what it was handed and had
                                        not acknowledged; two instances on one host need distinct ids
                  --inflight N          MQTT Receive Maximum: unacknowledged messages held at most (default 2000)
                  --batch N             envelopes per transaction at most (default 1000)
                  --linger MS           how long a batch waits to fill (default 20)
                  --verify-threads N    threads verifying envelopes (default: the number of cores)
                  --retention DAYS      keep idempotency keys this long, at least the longest gateway backlog
                                        (default 400)
                  --progress DURATION   progress line interval (default 10s)
                  --for DURATION        exit after this long (default: run until stopped)
                  --ca FILE             PEM CA certificate(s) for ssl:// (default: the JVM trust store)
                  --username NAME       broker user name
                  --password-env VAR    environment variable holding the broker password
                  --prefix P            topic prefix (default tidegate)
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("broker", "db", "db-user", "db-password-env", "key", "trust", "group", "id",
                "inflight", "batch", "linger", "verify-threads", "retention", "progress", "for", "ca", "username",
                "password-env", "prefix"), Set.of());
        String url = a.require("broker");
        if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
            throw new Args.UsageException("--broker must be tcp://host:port or ssl://host:port, got " + url);
        }
        String jdbc = a.require("db");
        Path keyFile = Path.of(a.require("key"));
        Path trustDir = Path.of(a.require("trust"));
        if (!Files.isDirectory(trustDir)) {
            err.println("ingest: --trust " + trustDir + " is not a directory of gateway public keys");
            return 1;
        }
        PrivateKey key;
        TrustedSenders trusted;
        try {
            key = PemKeys.readPrivateKey(keyFile);
            trusted = TrustedSenders.loadDirectory(trustDir);
        } catch (IOException e) {
            err.println("ingest: " + e.getMessage());
            return 1;
        }
        if (trusted.asMap().isEmpty()) {
            err.println("ingest: no gateway public keys in " + trustDir);
            return 1;
        }
        String group = a.get("group", IngestOptions.DEFAULT_GROUP);
        String id = a.get("id", group + "-" + hostName());
        BrokerConnection broker = BrokerConnection.of(url, id).persistent(id);
        if (a.get("username") != null) {
            String pw = a.get("password-env") == null ? "" : System.getenv(a.get("password-env"));
            broker = broker.withCredentials(a.get("username"), pw == null ? "" : pw);
        }
        if (url.startsWith("ssl://") && a.get("ca") != null) {
            broker = broker.withTls(caOnly(Path.of(a.get("ca"))));
        }
        String dbPassword = a.get("db-password-env") == null ? "" : System.getenv(a.get("db-password-env"));
        IngestOptions o;
        try {
            o = IngestOptions.defaults(broker, jdbc).withGroup(group).withPrefix(a.get("prefix", "tidegate"))
                    .withDbCredentials(a.get("db-user", ""), dbPassword == null ? "" : dbPassword)
                    .withFlow(a.intValue("inflight", IngestOptions.DEFAULT_INFLIGHT),
                            a.intValue("batch", IngestOptions.DEFAULT_BATCH),
                            a.intValue("linger", (int) IngestOptions.DEFAULT_LINGER_MS))
                    .withVerifyThreads(a.intValue("verify-threads", Runtime.getRuntime().availableProcessors()))
                    .withSeenRetention(Duration.ofDays(a.intValue("retention", 400)))
                    .withProgressLog(a.durationSeconds("progress", 10) * 1000);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        long seconds = a.durationSeconds("for", 0);
        CountDownLatch stop = new CountDownLatch(1);
        IngestService service;
        try {
            service = IngestService.start(o, key, trusted, line -> progress(err, line));
        } catch (SQLException e) {
            err.println("ingest: cannot prepare the database " + jdbc.replaceAll("password=[^&]*", "password=***")
                    + ": " + e.getMessage() + " [SQLState " + e.getSQLState() + "]");
            return 1;
        } catch (org.flywaydb.core.api.FlywayException e) {
            err.println("ingest: schema migration failed: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(() -> {
            service.close();
            stop.countDown();
        }, "ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        progress(err, "ingest: " + id + " in group " + group + " on " + url + ", trusting " + trusted.asMap().size()
                + " gateways");
        if (!service.awaitSubscribed(30, TimeUnit.SECONDS)) {
            progress(err, "ingest: not subscribed yet after 30 s; still trying (see the log)");
        } else {
            progress(err, "ingest: SUBSCRIBED");
        }
        if (seconds > 0) {
            stop.await(seconds, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(hook);
            service.close();
        } else {
            stop.await();
        }
        return 0;
    }

    private static synchronized void progress(PrintStream err, String line) {
        err.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        err.flush();
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return h.isEmpty() ? "host" : h;
        } catch (IOException e) {
            return "host";
        }
    }

    private static SSLSocketFactory caOnly(Path ca) throws IOException, java.security.GeneralSecurityException {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(ca)) {
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new java.security.GeneralSecurityException("no certificate in " + ca);
            }
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
