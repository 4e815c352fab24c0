package org.tidegate.ingest.internal;

import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.tidegate.cloud.BrokerSubscription;
import org.tidegate.core.retry.Backoff;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.ingest.IngestOptions;
import org.tidegate.ingest.IngestStats;
import org.tinylog.Logger;

/**
 * One ingest process: the shared MQTT subscription ({@link BrokerSubscription}: a persistent MQTT 5 session under the
 * instance's stable client id, manual acknowledgements, the Receive Maximum) → bounded inbound queue → verifier threads ({@link Verifier}) → bounded
 * ready queue → one writer thread ({@link BatchWriter}, one transaction per batch) → acknowledgements. Nothing is
 * acknowledged before the transaction holding it committed; a failed transaction is retried (with back-off, on a
 * new database connection) and its messages stay unacknowledged meanwhile, so the broker stops sending once the
 * Receive Maximum is reached: memory stays bounded however long the database is away.
 */
public final class IngestEngine implements AutoCloseable {
    private static final long MAINTENANCE_MS = 3_600_000L;
    private static final long LAST_SEEN_FLUSH_MS = 1_000L;
    // Short on purpose: a restarted mosquitto (2.0.11) restores persistent sessions but not their shared
    // subscriptions, and whatever gateways publish before we subscribe again has no subscriber and is dropped.
    // A few cloud processes retrying every 50-250 ms cost nothing; gateways back off from 1 s with jitter.
    static final long RECONNECT_MIN_MS = 100;
    static final long RECONNECT_MAX_MS = 250;

    private final IngestOptions options;
    private final TrustedSenders trusted;
    private final Verifier verifier;
    private final Consumer<String> progressSink;
    private final BlockingQueue<Inbound> inbound;
    private final BlockingQueue<Verified> ready;
    private final BrokerSubscription source;
    private final Partitions partitions;
    private final AuditLimiter auditLimiter;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile long batchOldestNanos;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong notAudited = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong unacked = new AtomicLong();

    private Connection db;
    private final Map<String, Long> lastSeen = new TreeMap<>();

    /**
     * @param progressSink receives each progress line (also logged at info)
     */
    public IngestEngine(IngestOptions options, PrivateKey cloudKey, TrustedSenders trusted,
                        Consumer<String> progressSink) throws java.security.InvalidKeyException {
        this.options = Objects.requireNonNull(options);
        this.trusted = Objects.requireNonNull(trusted);
        this.progressSink = progressSink == null ? line -> { } : progressSink;
        this.verifier = new Verifier(EnvelopeOpener.builder(cloudKey, trusted).build(), options.prefix());
        // an old connection's messages may still sit here when the new one starts delivering: room for both
        this.inbound = new LinkedBlockingQueue<>(2 * options.inflight());
        this.ready = new LinkedBlockingQueue<>(2 * options.inflight());
        this.partitions = new Partitions(options.partitionDaysAhead(), options.partitionDaysBack());
        this.auditLimiter = new AuditLimiter(options.auditLimits(), options.prefix(), System::nanoTime);
        // manual acknowledgements: a PUBACK goes out only after the transaction holding the message committed
        this.source = new BrokerSubscription(options.broker(), options.topicFilters(),
                new BrokerSubscription.Settings("ingest", true, options.inflight(), RECONNECT_MIN_MS, RECONNECT_MAX_MS,
                        this::newConnection), this::arrived);
    }

    /** Migrates the schema, registers the gateways, creates partitions ahead, then subscribes. */
    public synchronized void start() throws SQLException {
        if (running) {
            return;
        }
        String version = IngestSchema.migrate(options.jdbcUrl(), options.dbUser(), options.dbPassword());
        db = connect();
        int gateways = IngestSchema.registerGateways(db, trusted);
        partitions.load(db);
        partitions.ensureAhead(db, System.currentTimeMillis());
        Logger.info("ingest: schema version {}, {} gateways registered, {} daily partitions; {}", version, gateways,
                partitions.count(), options);
        running = true;
        for (int i = 0; i < options.verifyThreads(); i++) {
            threads.add(daemon("ingest-verify-" + i, this::verifyLoop));
        }
        threads.add(daemon("ingest-writer", this::writeLoop));
        threads.add(daemon("ingest-progress", this::progressLoop));
        threads.forEach(Thread::start);
        source.start();
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public boolean subscribed() {
        return source.subscribed();
    }

    public boolean awaitSubscribed(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!source.subscribed()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public IngestStats stats() {
        long now = System.nanoTime();
        long oldest = Long.MAX_VALUE;
        Inbound head = inbound.peek();
        if (head != null) {
            oldest = Math.min(oldest, head.arrivedNanos());
        }
        Verified next = ready.peek();
        if (next != null) {
            oldest = Math.min(oldest, next.in().arrivedNanos());
        }
        long inBatch = batchOldestNanos;
        if (inBatch != 0) {
            oldest = Math.min(oldest, inBatch);
        }
        long oldestMs = oldest == Long.MAX_VALUE ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - oldest));
        return new IngestStats(received.get(), stored.get(), duplicates.get(), refused.get(), rows.get(),
                batches.get(), failedBatches.get(), acked.get(), Math.max(0, unacked.get()), oldestMs,
                source.subscribed(), source.connects(), notAudited.get());
    }

    /** On Paho's callback thread. */
    private void arrived(String topic, MqttMessage message, long connection) {
        Inbound in = new Inbound(topic, message.getPayload(), message.getId(), message.getQos(), connection,
                System.nanoTime());
        received.incrementAndGet();
        unacked.incrementAndGet();
        try {
            // bounded by the Receive Maximum (twice it, across a reconnect): does not block in practice
            inbound.put(in);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A new connection is about to start: what the old one delivered and nobody verified yet comes again. */
    private void newConnection() {
        List<Inbound> dropped = new ArrayList<>();
        long current = source.connection();
        inbound.removeIf(in -> in.connection() < current && dropped.add(in));
        unacked.addAndGet(-dropped.size());
    }

    private void verifyLoop() {
        while (running) {
            try {
                Inbound in = inbound.poll(200, TimeUnit.MILLISECONDS);
                if (in != null) {
                    ready.put(verifier.verify(in));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Logger.error(e, "ingest: verifier failed");
            }
        }
    }

    private void writeLoop() {
        Backoff backoff = new Backoff(200, 10_000);
        long nextMaintenance = 0;
        long nextLastSeen = System.currentTimeMillis() + LAST_SEEN_FLUSH_MS;
        long summaryMs = options.auditLimits().summaryInterval().toMillis();
        long nextAuditSummary = System.currentTimeMillis() + summaryMs;
        List<Verified> batch = new ArrayList<>(options.batchMax());
        while (running) {
            try {
                if (batch.isEmpty()) {
                    Verified first = ready.poll(200, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        batch.add(first);
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.lingerMs());
                        while (batch.size() < options.batchMax()) {
                            if (ready.drainTo(batch, options.batchMax() - batch.size()) == 0) {
                                long left = deadline - System.nanoTime();
                                Verified more = left > 0 ? ready.poll(left, TimeUnit.NANOSECONDS) : null;
                                if (more == null) {
                                    break;
                                }
                                batch.add(more);
                            }
                        }
                        batchOldestNanos = batch.stream().mapToLong(v -> v.in().arrivedNanos()).min().orElse(0);
                        // once per message, here and not in the writer: a batch that fails is retried with the
                        // same decisions, so a retry neither takes more tokens nor counts a refusal twice
                        batch.replaceAll(v -> v.isAccepted() || auditLimiter.admit(v) ? v : v.overAuditLimit());
                    }
                }
                long now = System.currentTimeMillis();
                if (db == null) {
                    db = connect();
                }
                if (now >= nextMaintenance) {
                    maintain(now);
                    nextMaintenance = now + MAINTENANCE_MS;
                }
                if (!batch.isEmpty()) {
                    store(batch, now);
                    ackAll(batch);
                    batch.clear();
                    batchOldestNanos = 0;
                }
                if (now >= nextLastSeen) {
                    flushLastSeen();
                    nextLastSeen = now + LAST_SEEN_FLUSH_MS;
                }
                if (now >= nextAuditSummary) {
                    flushAuditSummaries(now);
                    nextAuditSummary = now + summaryMs;
                }
                backoff.reset();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                failedBatches.incrementAndGet();
                long delay = transientState(e) ? 0 : backoff.nextDelayMs();
                if (failedBatches.get() < 10 || failedBatches.get() % 100 == 0) {
                    Logger.warn("ingest: batch of {} not stored ({} failures so far), nothing acknowledged, retrying"
                            + " in {} ms: {}", batch.size(), failedBatches.get(), delay, describe(e));
                }
                if (!transientState(e)) {
                    closeDb();
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Writes the batch; a data error that one message causes sends that message to the audit table instead. */
    private void store(List<Verified> batch, long now) throws SQLException {
        try {
            account(new BatchWriter(db, partitions).write(batch, now), batch);
        } catch (SQLException e) {
            if (!dataError(e)) {
                throw e;
            }
            Logger.warn("ingest: batch of {} refused by the database ({}); storing its messages one by one",
                    batch.size(), describe(e));
            for (Verified v : batch) {
                try {
                    account(new BatchWriter(db, partitions).write(List.of(v), now), List.of(v));
                } catch (SQLException one) {
                    if (!dataError(one)) {
                        throw one;
                    }
                    Verified r = Verified.refused(v.in(), "DB_REFUSED", v.sender(), v.sequence(),
                            "the database refused the envelope's rows: " + describe(one));
                    account(new BatchWriter(db, partitions).write(List.of(r), now), List.of(r));
                }
            }
        }
    }

    private void account(BatchWriter.Result r, List<Verified> batch) {
        stored.addAndGet(r.stored());
        duplicates.addAndGet(r.duplicates());
        refused.addAndGet(r.refused());
        notAudited.addAndGet(r.refused() - r.audited());
        rows.addAndGet(r.rows());
        batches.incrementAndGet();
        long now = System.currentTimeMillis();
        for (Verified v : batch) {
            if (v.isAccepted()) {
                lastSeen.merge(v.opened().sender(), now, Math::max);
            } else if (!v.auditRow()) {
                auditLimiter.notStored(v, now);
            }
        }
    }

    private void ackAll(List<Verified> batch) {
        for (Verified v : batch) {
            if (source.ack(v.in().messageId(), v.in().qos(), v.in().connection())) {
                acked.incrementAndGet();
            }
            unacked.decrementAndGet();
        }
    }

    private void maintain(long now) throws SQLException {
        partitions.ensureAhead(db, now);
        db.setAutoCommit(true);
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM envelopes_seen WHERE received_at < ?")) {
            ps.setTimestamp(1, new Timestamp(now - options.seenRetention().toMillis()));
            int purged = ps.executeUpdate();
            if (purged > 0) {
                Logger.info("ingest: {} idempotency keys older than {} purged", purged, options.seenRetention());
            }
        } finally {
            db.setAutoCommit(false);
        }
        long audit = AuditMaintenance.purge(db, now - options.auditRetention().toMillis());
        if (audit > 0) {
            Logger.info("ingest: {} audit rows older than {} purged", audit, options.auditRetention());
        }
    }

    /**
     * The refusals counted over the audit rate limit since the last time: one summary row and one log line per
     * reason, so a flood costs one row and one line per reason and interval.
     */
    private void flushAuditSummaries(long now) throws SQLException {
        if (!auditLimiter.hasPending()) {
            return;
        }
        List<AuditLimiter.Summary> summaries = auditLimiter.summaries();
        AuditMaintenance.writeSummaries(db, summaries, now);
        auditLimiter.written();
        for (AuditLimiter.Summary s : summaries) {
            Logger.warn("ingest: audit rate limit: reason={}: {}", s.reason(), s.detail());
        }
    }

    /** gateways.last_seen, outside the batches' transactions: two processes never wait on each other's rows. */
    private void flushLastSeen() throws SQLException {
        if (lastSeen.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE gateways SET last_seen = ? WHERE id = ?"
                + " AND (last_seen IS NULL OR last_seen < ?)")) {
            for (Map.Entry<String, Long> e : lastSeen.entrySet()) {
                Timestamp t = new Timestamp(e.getValue());
                ps.setTimestamp(1, t);
                ps.setString(2, e.getKey());
                ps.setTimestamp(3, t);
                ps.addBatch();
            }
            ps.executeBatch();
            db.commit();
        }
        lastSeen.clear();
    }

    private void progressLoop() {
        IngestStats before = stats();
        long t0 = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(options.progressLogMs());
            } catch (InterruptedException e) {
                return;
            }
            IngestStats now = stats();
            long t1 = System.nanoTime();
            double s = (t1 - t0) / 1e9;
            String line = String.format(java.util.Locale.ROOT, "ingest: %.0f msg/s, %.0f rows/s, %.1f batches/s over"
                            + " %.1f s; unacked %d, oldest unacked %d ms; totals stored %d, duplicates %d, refused %d,"
                            + " rows %d, failed batches %d, not audited %d, %s",
                    (now.received() - before.received()) / s, (now.rows() - before.rows()) / s,
                    (now.batches() - before.batches()) / s, s, now.unacked(), now.oldestUnackedMillis(), now.stored(),
                    now.duplicates(), now.refused(), now.rows(), now.failedBatches(), now.notAudited(),
                    now.connected() ? "connected" : "NOT CONNECTED");
            Logger.info(line);
            progressSink.accept(line);
            before = now;
            t0 = t1;
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (!options.dbUser().isEmpty()) {
            p.setProperty("user", options.dbUser());
        }
        if (!options.dbPassword().isEmpty()) {
            p.setProperty("password", options.dbPassword());
        }
        p.setProperty("ApplicationName", "tidegate-ingest " + options.broker().clientId());
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "120");
        p.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(options.jdbcUrl(), p);
        c.setAutoCommit(false);
        return c;
    }

    private void closeDb() {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // gone
            }
            db = null;
        }
    }

    /** Deadlock or serialization failure: retry at once on the same connection. */
    private static boolean transientState(Exception e) {
        return e instanceof SQLException s && s.getSQLState() != null
                && (s.getSQLState().equals("40P01") || s.getSQLState().equals("40001"));
    }

    /** Class 22 (data exception) or 23 (integrity constraint): the rows, not the database, are the problem. */
    private static boolean dataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static String describe(Exception e) {
        String state = e instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        return e.getClass().getSimpleName() + ": " + e.getMessage() + state;
    }

    @Override
    public void close() {
        source.close(); // first: no more deliveries; what is unacknowledged comes again to the next session
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the writer has stopped: what it counted since its last summary row is written now, or at least logged
        if (auditLimiter.hasPending()) {
            try {
                if (db == null) {
                    throw new SQLException("no database connection");
                }
                flushAuditSummaries(System.currentTimeMillis());
            } catch (SQLException | RuntimeException e) {
                for (AuditLimiter.Summary s : auditLimiter.summaries()) {
                    Logger.warn("ingest: audit rate limit at shutdown, no summary row written ({}): reason={}: {}",
                            describe(e), s.reason(), s.detail());
                }
            }
        }
        closeDb();
    }
}
