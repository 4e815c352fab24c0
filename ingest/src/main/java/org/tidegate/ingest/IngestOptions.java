package org.tidegate.ingest;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.tidegate.cloud.BrokerConnection;

/**
 * How one ingest process runs. Every bound is explicit: {@code inflight} is the MQTT 5 Receive Maximum announced
 * to the broker (at most that many unacknowledged messages are ever held in memory), {@code batchMax} the most
 * envelopes one transaction stores.
 *
 * @param broker           broker URL, credentials, TLS; its client id is this instance's stable id (a persistent
 *                         session: what was delivered to it and not acknowledged comes again when it reconnects)
 * @param prefix           topic prefix (default {@code tidegate})
 * @param group            the shared-subscription group: {@code $share/GROUP/...}
 * @param jdbcUrl          {@code jdbc:postgresql://...}
 * @param dbUser           empty to take it from the URL
 * @param dbPassword       empty for none; never logged
 * @param inflight         Receive Maximum, 1 … 65535
 * @param batchMax         envelopes per transaction, 1 … inflight
 * @param lingerMs         how long a batch may wait to fill before it is written anyway
 * @param verifyThreads    threads opening envelopes (SM2 verify, SM4-GCM) ahead of the writer
 * @param partitionDaysAhead daily readings partitions created ahead of today
 * @param partitionDaysBack  how far back a backlog's sample times still get their own daily partition (older
 *                           samples land in {@code readings_other})
 * @param seenRetention    how long an envelope's idempotency key is kept: at least the longest store-and-forward
 *                         backlog of any gateway (a repeat older than that would be stored again)
 * @param progressLogMs    interval of the progress line
 * @param auditRetention   how long {@code audit} rows are kept; older ones are purged hourly
 * @param auditLimits      how many refused messages get an audit row of their own (the rest are counted)
 */
public record IngestOptions(BrokerConnection broker, String prefix, String group, String jdbcUrl, String dbUser,
                            String dbPassword, int inflight, int batchMax, long lingerMs, int verifyThreads,
                            int partitionDaysAhead, int partitionDaysBack, Duration seenRetention,
                            long progressLogMs, Duration auditRetention, AuditLimits auditLimits) {
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final String DEFAULT_GROUP = "tidegate-ingest";
    public static final int DEFAULT_INFLIGHT = 2000;
    public static final int DEFAULT_BATCH = 1000;
    public static final long DEFAULT_LINGER_MS = 20;
    public static final Duration DEFAULT_SEEN_RETENTION = Duration.ofDays(60);
    /** Long enough to look into an incident after a holiday, short enough that a flood ages out within a month. */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(30);

    public IngestOptions {
        Objects.requireNonNull(broker, "broker");
        prefix = prefix == null || prefix.isEmpty() ? "tidegate" : prefix;
        if (prefix.contains("+") || prefix.contains("#")) {
            throw new IllegalArgumentException("prefix must not contain MQTT wildcards, got \"" + prefix + "\"");
        }
        group = group == null || group.isEmpty() ? DEFAULT_GROUP : group;
        if (!GROUP.matcher(group).matches()) {
            throw new IllegalArgumentException("group must be 1-64 of [A-Za-z0-9._-], got \"" + group + "\"");
        }
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the database URL must start with jdbc:postgresql:, got \"" + jdbcUrl + "\"");
        }
        dbUser = dbUser == null ? "" : dbUser;
        dbPassword = dbPassword == null ? "" : dbPassword;
        if (inflight < 1 || inflight > 65535) {
            throw new IllegalArgumentException("inflight must be 1 … 65535, got " + inflight);
        }
        if (batchMax < 1 || batchMax > inflight) {
            throw new IllegalArgumentException("batch must be 1 … inflight (" + inflight + "), got " + batchMax);
        }
        if (lingerMs < 0 || lingerMs > 10_000) {
            throw new IllegalArgumentException("linger must be 0 … 10000 ms, got " + lingerMs);
        }
        if (verifyThreads < 1 || verifyThreads > 64) {
            throw new IllegalArgumentException("verify threads must be 1 … 64, got " + verifyThreads);
        }
        if (partitionDaysAhead < 1 || partitionDaysAhead > 366 || partitionDaysBack < 0 || partitionDaysBack > 3660) {
            throw new IllegalArgumentException("partition days ahead must be 1 … 366 and back 0 … 3660, got "
                    + partitionDaysAhead + " and " + partitionDaysBack);
        }
        Objects.requireNonNull(seenRetention, "seenRetention");
        if (seenRetention.toDays() < 1) {
            throw new IllegalArgumentException("the idempotency retention must be at least one day, got " + seenRetention);
        }
        Objects.requireNonNull(auditRetention, "auditRetention");
        if (auditRetention.toHours() < 1) {
            throw new IllegalArgumentException("the audit retention must be at least one hour, got " + auditRetention);
        }
        Objects.requireNonNull(auditLimits, "auditLimits");
        if (progressLogMs < 100) {
            throw new IllegalArgumentException("progress interval must be at least 100 ms, got " + progressLogMs);
        }
        if (broker.cleanSession()) {
            throw new IllegalArgumentException("ingest needs a persistent session (BrokerConnection.persistent(id)):"
                    + " with a clean session, messages delivered and not yet acknowledged are lost on a disconnect");
        }
    }

    /** Defaults for everything but where the broker and the database are. */
    public static IngestOptions defaults(BrokerConnection broker, String jdbcUrl) {
        return new IngestOptions(broker, "tidegate", DEFAULT_GROUP, jdbcUrl, "", "", DEFAULT_INFLIGHT, DEFAULT_BATCH,
                DEFAULT_LINGER_MS, Math.max(1, Runtime.getRuntime().availableProcessors()), 7, 400,
                DEFAULT_SEEN_RETENTION, 10_000, DEFAULT_AUDIT_RETENTION, AuditLimits.DEFAULTS);
    }

    public IngestOptions withGroup(String g) {
        return new IngestOptions(broker, prefix, g, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs,
                auditRetention, auditLimits);
    }

    public IngestOptions withPrefix(String p) {
        return new IngestOptions(broker, p, group, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs,
                auditRetention, auditLimits);
    }

    public IngestOptions withDbCredentials(String user, String password) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, user, password, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs,
                auditRetention, auditLimits);
    }

    public IngestOptions withFlow(int inflightMax, int batch, long linger) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, dbUser, dbPassword, inflightMax, batch, linger,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs,
                auditRetention, auditLimits);
    }

    public IngestOptions withVerifyThreads(int n) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                n, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs,
                auditRetention, auditLimits);
    }

    public IngestOptions withSeenRetention(Duration d) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, d, progressLogMs,
                auditRetention, auditLimits);
    }

    public IngestOptions withProgressLog(long ms) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, ms,
                auditRetention, auditLimits);
    }

    public IngestOptions withAuditRetention(Duration d) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs, d, auditLimits);
    }

    public IngestOptions withAuditLimits(AuditLimits limits) {
        return new IngestOptions(broker, prefix, group, jdbcUrl, dbUser, dbPassword, inflight, batchMax, lingerMs,
                verifyThreads, partitionDaysAhead, partitionDaysBack, seenRetention, progressLogMs, auditRetention,
                limits);
    }

    /** The shared-subscription filters: telemetry, alarms, status and replies of every gateway. */
    public java.util.List<String> topicFilters() {
        String share = "$share/" + group + "/" + prefix + "/";
        return java.util.List.of(share + "+/telemetry/+", share + "+/alarm/+", share + "+/status", share + "+/reply");
    }

    @Override
    public String toString() {
        return "IngestOptions[" + broker + ", prefix=" + prefix + ", group=" + group + ", db=" + jdbcUrl.replaceAll(
                "password=[^&]*", "password=***") + ", inflight=" + inflight + ", batch=" + batchMax + ", linger="
                + lingerMs + "ms, verifyThreads=" + verifyThreads + ", auditRetention=" + auditRetention.toDays() + "d]";
    }
}
