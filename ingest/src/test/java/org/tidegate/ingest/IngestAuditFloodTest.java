package org.tidegate.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.cloud.broker.RawMqtt;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.ingest.internal.IngestSchema;
import org.tidegate.lab.postgres.PostgresCluster;

/**
 * The security tester's flood: someone with publish rights sends 5 000 junk frames of 200 KB (1 GB) on
 * {@code tidegate/+/telemetry/+} under 50 gateway ids. Through mosquitto into the service in this JVM and a private
 * PostgreSQL: every frame is refused and acknowledged, the audit table stays bounded in rows (the rate limit) and in
 * bytes (1 KiB of each frame), each row's frame prefix, length and SHA-256 are those of the frame it stands for,
 * summary rows count all the others, and the hourly purge has removed rows older than the audit retention.
 */
@Timeout(300)
class IngestAuditFloodTest {
    static final int FRAMES = 5_000;
    static final int FRAME_BYTES = 200_000;
    static final int GATEWAY_IDS = 50;
    static final AuditLimits LIMITS = new AuditLimits(1, 100, 0.1, 10, Duration.ofSeconds(1));

    @TempDir
    Path dir;

    /** Frame {@code i}: its number in the first 11 bytes, then bytes only it has. */
    static byte[] frame(int i) {
        byte[] f = new byte[FRAME_BYTES];
        new Random(i).nextBytes(f);
        byte[] head = String.format("junk-%05d ", i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, f, 0, head.length);
        return f;
    }

    @Test
    void aFloodOfLargeRefusedFramesLeavesABoundedAuditTableWithPrefixLengthAndHashAndOldRowsPurged() throws Exception {
        Peers.require();
        KeyPair gw = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto"));
             PostgresCluster pg = PostgresCluster.start(false)) {
            broker.start();
            String url = pg.jdbcUrl();
            // rows of an earlier run: one past the 30-day audit retention, one within it
            IngestSchema.migrate(url, "", "");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("INSERT INTO audit (received_at, topic, reason, detail, frame) VALUES"
                        + " (now() - interval '31 days', 'tidegate/gw-old/telemetry/d', 'BAD_FRAME', 'old', '\\x00'),"
                        + " (now() - interval '29 days', 'tidegate/gw-kept/telemetry/d', 'BAD_FRAME', 'kept', '\\x00')");
            }
            IngestOptions o = IngestOptions.defaults(BrokerConnection.of(broker.url(), "x").persistent("ingest-flood"),
                    url).withFlow(400, 200, 20).withProgressLog(1000).withAuditLimits(LIMITS);
            assertEquals(Duration.ofDays(30), o.auditRetention());
            TrustedSenders trusted = TrustedSenders.of(Map.of("gw-flood-real", gw.getPublic()));
            try (IngestService ingest = IngestService.start(o, cloud.getPrivate(), trusted, null)) {
                assertTrue(ingest.awaitSubscribed(20, TimeUnit.SECONDS));
                await(() -> count(url, "SELECT count(*) FROM audit WHERE detail = 'old'") == 0, "the purge", ingest);
                assertEquals(1, count(url, "SELECT count(*) FROM audit WHERE detail = 'kept'"), "within the retention");

                long t0 = System.nanoTime();
                Thread[] publishers = new Thread[4];
                for (int p = 0; p < publishers.length; p++) {
                    int first = p;
                    publishers[p] = new Thread(() -> {
                        try (RawMqtt pub = new RawMqtt(broker.url(), "flood-" + first, null)) {
                            for (int i = first; i < FRAMES; i += publishers.length) {
                                pub.publish("tidegate/gw-flood-" + (i % GATEWAY_IDS) + "/telemetry/d", frame(i), 1, false);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    publishers[p].start();
                }
                for (Thread t : publishers) {
                    t.join();
                }
                double publishedS = (System.nanoTime() - t0) / 1e9;
                await(() -> ingest.stats().refused() == FRAMES && ingest.stats().unacked() == 0, "every frame refused",
                        ingest);
                double floodS = (System.nanoTime() - t0) / 1e9;
                IngestStats s = ingest.stats();
                assertEquals(0, s.stored());
                assertEquals(s.received(), s.acked(), "every frame acknowledged: " + s);

                String own = " FROM audit WHERE suppressed = 0 AND detail <> 'kept'";
                long rows = count(url, "SELECT count(*)" + own);
                // the bound: the total burst, then 1 row/s over the time the flood took
                assertTrue(rows >= LIMITS.burst() && rows <= LIMITS.burst() + (long) Math.ceil(floodS * LIMITS.rowsPerSecond()) + 1,
                        rows + " rows of their own in " + floodS + " s");
                assertEquals(FRAMES - rows, s.notAudited());
                // the others: counted in summary rows (one per reason and second), none lost
                await(() -> count(url, "SELECT coalesce(sum(suppressed), 0) FROM audit") == FRAMES - rows,
                        "the summary rows", ingest);
                long summaries = count(url, "SELECT count(*) FROM audit WHERE suppressed > 0");
                assertTrue(summaries <= floodS / LIMITS.summaryInterval().toSeconds() + 2, summaries + " summary rows");
                assertEquals(summaries, count(url, "SELECT count(*) FROM audit WHERE suppressed > 0 AND reason = 'BAD_FRAME'"
                        + " AND topic = '' AND octet_length(frame) = 0 AND frame_length IS NULL"
                        + " AND detail LIKE '% refusals not stored (over the audit rate limit) from %gw-flood-%'"));
                // per key: its burst and 0.1 row/s
                for (String row : Db.rows(url, "SELECT topic, count(*)" + own + " GROUP BY topic")) {
                    long n = Long.parseLong(row.split("\\|")[1]);
                    assertTrue(n <= LIMITS.burstPerKey() + (long) Math.ceil(floodS * LIMITS.rowsPerSecondPerKey()), row);
                }

                // bytes: 1 KiB of each frame, whatever it was
                long frameBytes = count(url, "SELECT sum(octet_length(frame))" + own);
                assertEquals(rows * 1024, frameBytes);
                long tableBytes = count(url, "SELECT pg_total_relation_size('audit')");
                assertTrue(tableBytes < 4L << 20, tableBytes + " bytes for " + rows + " rows");

                // each row: the prefix, the full length and the SHA-256 of the very frame it stands for
                int checked = 0;
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                     ResultSet r = st.executeQuery("SELECT topic, claimed_seq, frame, frame_length, frame_sha256" + own)) {
                    while (r.next()) {
                        byte[] kept = r.getBytes(3);
                        int i = Integer.parseInt(new String(kept, 5, 5, StandardCharsets.US_ASCII));
                        byte[] whole = frame(i);
                        assertEquals("tidegate/gw-flood-" + (i % GATEWAY_IDS) + "/telemetry/d", r.getString(1));
                        assertEquals(null, r.getObject(2), "junk claims no sequence");
                        assertArrayEquals(Arrays.copyOf(whole, 1024), kept);
                        assertEquals(FRAME_BYTES, r.getInt(4));
                        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(whole), r.getBytes(5));
                        checked++;
                    }
                }
                assertEquals(rows, checked);

                Map<String, Object> figures = new HashMap<>();
                figures.put("published_s", String.format("%.1f", publishedS));
                figures.put("refused_all_s", String.format("%.1f", floodS));
                figures.put("rows_of_their_own", rows);
                figures.put("summary_rows", summaries);
                figures.put("audit_total_relation_bytes", tableBytes);
                figures.put("frame_bytes_stored", frameBytes);
                figures.put("bytes_received", (long) FRAMES * FRAME_BYTES);
                System.out.println("audit flood: " + figures + "; " + s);
                System.out.println("summary rows: " + Db.rows(url, "SELECT suppressed, detail FROM audit WHERE suppressed > 0"
                        + " ORDER BY id LIMIT 3"));
            }
        }
    }

    static long count(String url, String sql) {
        return IngestAuditTest.count(url, sql);
    }

    static void await(BooleanSupplier condition, String what, IngestService ingest) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + ": " + ingest.stats());
            Thread.sleep(50);
        }
    }

}
