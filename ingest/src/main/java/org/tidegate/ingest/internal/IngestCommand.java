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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.cli.BrokerOptions;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.ingest.IngestOptions;
import org.tidegate.ingest.IngestService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tidegate ingest}: the ingest service from the command line; runs until SIGTERM (or {@code --for}). */
@Command(name = "ingest", description = {
        "cloud side: store what gateways publish in PostgreSQL, exactly once (shared subscription, scale-out)", "",
        "Subscribes to {prefix}/+/telemetry/+, alarm/+, status and reply through the shared subscription",
        "$share/GROUP/..., verifies every envelope as `receive` does (signature, decryption, topic route),",
        "stores it in PostgreSQL once per (gateway, sequence) and acknowledges it only after the commit.",
        "Refused messages go to the audit table, bounded: the frame's first 1 KiB with its length and SHA-256,",
        "rate-limited rows (the rest counted in summary rows), purged after --audit-retention.",
        "Creates and migrates the schema (docs/ingest.md)."})
public final class IngestCommand implements PicocliCommand {
    @Mixin
    BrokerOptions brokerOptions;

    @Option(names = "--db", required = true, paramLabel = "JDBC-URL", description = "jdbc:postgresql://host:port/db[?user=..]")
    String jdbc;

    @Option(names = "--db-user", paramLabel = "NAME", defaultValue = "", description = "database user (default: from the URL)")
    String dbUser;

    @Option(names = "--db-password-env", paramLabel = "VAR", description = "environment variable holding the database password")
    String dbPasswordEnv;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the cloud's SM2 private key (PKCS#8 PEM)")
    Path keyFile;

    @Option(names = "--trust", required = true, paramLabel = "DIR",
            description = "registered gateways' public keys, one PEM per gateway id (GW.pem or GW.pub.pem)")
    Path trustDir;

    @Option(names = "--group", paramLabel = "NAME", defaultValue = IngestOptions.DEFAULT_GROUP,
            description = "shared-subscription group (default ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--id", paramLabel = "ID", description = {"this instance's MQTT client id, stable across restarts"
            + " (default GROUP-HOSTNAME): its persistent session keeps what it was handed and had not acknowledged;"
            + " two instances on one host need distinct ids"})
    String id;

    @Option(names = "--inflight", paramLabel = "N", defaultValue = "" + IngestOptions.DEFAULT_INFLIGHT,
            description = "MQTT Receive Maximum: unacknowledged messages held at most (default ${DEFAULT-VALUE})")
    int inflight;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + IngestOptions.DEFAULT_BATCH,
            description = "envelopes per transaction at most (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--linger", paramLabel = "MS", defaultValue = "" + IngestOptions.DEFAULT_LINGER_MS,
            description = "how long a batch waits to fill (default ${DEFAULT-VALUE})")
    int linger;

    @Option(names = "--verify-threads", paramLabel = "N",
            description = "threads verifying envelopes (default: the number of cores)")
    Integer verifyThreads;

    @Option(names = "--retention", paramLabel = "DAYS", description = "keep idempotency keys this long, at least the"
            + " longest gateway backlog (default 60: twice the gateway store's default maxAge)")
    Integer retentionDays;

    @Option(names = "--audit-retention", paramLabel = "DAYS", description = "keep audit rows (refused messages) this"
            + " long (default 30)")
    Integer auditRetentionDays;

    @Option(names = "--progress", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s",
            description = "progress line interval (default ${DEFAULT-VALUE})")
    Duration progress;

    @Option(names = "--for", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "exit after this long (default: run until stopped)")
    Duration forDuration;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        String url = brokerOptions.url();
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
        String instance = id != null ? id : group + "-" + hostName();
        BrokerConnection broker = brokerOptions.connection(instance).persistent(instance);
        String dbPassword = dbPasswordEnv == null ? "" : System.getenv(dbPasswordEnv);
        IngestOptions o;
        try {
            o = IngestOptions.defaults(broker, jdbc).withGroup(group).withPrefix(brokerOptions.prefix())
                    .withDbCredentials(dbUser, dbPassword == null ? "" : dbPassword)
                    .withFlow(inflight, batch, linger)
                    .withVerifyThreads(verifyThreads != null ? verifyThreads : Runtime.getRuntime().availableProcessors())
                    .withSeenRetention(Duration.ofDays(retentionDays != null ? retentionDays
                            : IngestOptions.DEFAULT_SEEN_RETENTION.toDays()))
                    .withAuditRetention(Duration.ofDays(auditRetentionDays != null ? auditRetentionDays
                            : IngestOptions.DEFAULT_AUDIT_RETENTION.toDays()))
                    .withProgressLog(wholeSeconds(progress) * 1000);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        long seconds = forDuration == null ? 0 : wholeSeconds(forDuration);
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
        progress(err, "ingest: " + instance + " in group " + group + " on " + url + ", trusting "
                + trusted.asMap().size() + " gateways");
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

    /** As the old option parser read durations: whole seconds, anything above 0 and below 1 s as 1 s. */
    private static long wholeSeconds(Duration d) {
        return d.toMillis() > 0 && d.toMillis() < 1000 ? 1 : d.toSeconds();
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
}
