package org.tidegate.ingest.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.tidegate.crypto.TrustedSenders;
import org.tinylog.Logger;

/**
 * Creates and migrates the schema with Flyway (migrations in {@code db/ingest} on the class path, history in
 * {@code ingest_schema_history}; Flyway takes a PostgreSQL advisory lock, so processes starting together migrate
 * once), and registers the trusted gateways.
 */
public final class IngestSchema {
    public static final String LOCATION = "classpath:db/ingest";
    public static final String HISTORY_TABLE = "ingest_schema_history";

    private IngestSchema() {
    }

    /** Applies what is missing; returns the schema version now in place. */
    public static String migrate(String jdbcUrl, String user, String password) {
        Flyway flyway = Flyway.configure(IngestSchema.class.getClassLoader())
                .dataSource(jdbcUrl, user.isEmpty() ? null : user, password.isEmpty() ? null : password)
                .locations(LOCATION).table(HISTORY_TABLE).load();
        MigrateResult r = flyway.migrate();
        String version = r.targetSchemaVersion != null ? r.targetSchemaVersion
                : flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
        if (r.migrationsExecuted > 0) {
            Logger.info("ingest: schema migrated to version {} ({} migration(s))", version, r.migrationsExecuted);
        }
        return version;
    }

    /**
     * Upserts one {@code gateways} row per trusted gateway with its key fingerprint; a changed key is logged.
     *
     * @return how many gateways are registered
     */
    static int registerGateways(Connection c, TrustedSenders trusted) throws SQLException {
        Map<String, String> fingerprints = new TreeMap<>();
        for (Map.Entry<String, PublicKey> e : trusted.asMap().entrySet()) {
            fingerprints.put(e.getKey(), fingerprint(e.getValue()));
        }
        try (PreparedStatement old = c.prepareStatement("SELECT key_fingerprint FROM gateways WHERE id = ?");
             PreparedStatement up = c.prepareStatement("INSERT INTO gateways (id, key_fingerprint) VALUES (?, ?)"
                     + " ON CONFLICT (id) DO UPDATE SET key_fingerprint = excluded.key_fingerprint")) {
            for (Map.Entry<String, String> e : fingerprints.entrySet()) {
                old.setString(1, e.getKey());
                try (ResultSet r = old.executeQuery()) {
                    if (r.next() && !r.getString(1).equals(e.getValue())) {
                        Logger.warn("ingest: gateway={} has a new public key (fingerprint {} was {})", e.getKey(),
                                e.getValue(), r.getString(1));
                    }
                }
                up.setString(1, e.getKey());
                up.setString(2, e.getValue());
                up.addBatch();
            }
            up.executeBatch();
        }
        c.commit();
        return fingerprints.size();
    }

    /** SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
