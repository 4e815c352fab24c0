package org.tidegate.ingest;

import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.ingest.internal.IngestEngine;

/**
 * The ingest service as a Java API: subscribes to telemetry, alarms, status and replies of all gateways through the
 * shared subscription {@code $share/GROUP/...}, verifies every envelope as {@code tidegate receive} does (frame,
 * trusted sender, signature, tag, topic route), stores it in PostgreSQL in batches, exactly once per
 * {@code (gateway, sequence)}, and acknowledges each message to the broker only after the transaction that stored it
 * (or its refusal, in {@code audit}) committed. Run several processes with the same group and distinct client ids
 * to share the load. See docs/ingest.md.
 */
public final class IngestService implements AutoCloseable {
    private final IngestEngine engine;

    private IngestService(IngestEngine engine) {
        this.engine = engine;
    }

    /**
     * Migrates the schema (Flyway), registers the trusted gateways and subscribes.
     *
     * @param cloudKey     the cloud's SM2 private key: unwraps the gateways' data keys
     * @param trusted      the registered gateways' public keys
     * @param progressSink receives the periodic progress line (messages/s, rows/s, oldest unacknowledged); may be null
     */
    public static IngestService start(IngestOptions options, PrivateKey cloudKey, TrustedSenders trusted,
                                      Consumer<String> progressSink) throws SQLException, InvalidKeyException {
        IngestEngine e = new IngestEngine(options, cloudKey, trusted, progressSink);
        try {
            e.start();
        } catch (SQLException | RuntimeException ex) {
            e.close();
            throw ex;
        }
        return new IngestService(e);
    }

    /** Waits until the shared subscriptions are in place on a live connection. */
    public boolean awaitSubscribed(long timeout, TimeUnit unit) throws InterruptedException {
        return engine.awaitSubscribed(timeout, unit);
    }

    public IngestStats stats() {
        return engine.stats();
    }

    /** Disconnects first (what is not yet acknowledged is delivered again later), then stops the threads. */
    @Override
    public void close() {
        engine.close();
    }
}
