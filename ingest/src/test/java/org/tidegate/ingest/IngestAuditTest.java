package org.tidegate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.cloud.broker.RawMqtt;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.lab.postgres.PostgresCluster;

/**
 * Acceptance: "a forged, tampered or misrouted message lands in the audit table with its reason and nowhere else",
 * with the service in this JVM against mosquitto and a private PostgreSQL. Also: what each content type stores
 * (readings, events and alarm episodes, gateway status, replies), and a repeat stores nothing.
 */
@Timeout(120)
class IngestAuditTest {
    static final String GW = "gw-audit-01";
    static final String OTHER = "gw-audit-02";

    @TempDir
    Path dir;

    @Test
    void refusedMessagesLandInTheAuditTableWithTheirReasonAndNowhereElse() throws Exception {
        Peers.require();
        KeyPair gw = SmKeys.generate();
        KeyPair other = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        KeyPair stranger = SmKeys.generate();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto"));
             PostgresCluster pg = PostgresCluster.start(false)) {
            broker.start();
            IngestOptions o = IngestOptions.defaults(BrokerConnection.of(broker.url(), "x").persistent("ingest-audit"),
                    pg.jdbcUrl()).withProgressLog(1000);
            TrustedSenders trusted = TrustedSenders.of(Map.of(GW, gw.getPublic(), OTHER, other.getPublic()));
            try (IngestService ingest = IngestService.start(o, cloud.getPrivate(), trusted, null);
                 RawMqtt pub = new RawMqtt(broker.url(), "audit-publisher", null)) {
                assertTrue(ingest.awaitSubscribed(20, TimeUnit.SECONDS));
                EnvelopeSealer sealer = new EnvelopeSealer(GW, gw.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
                EnvelopeSealer forger = new EnvelopeSealer(GW, stranger.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
                EnvelopeSealer unknown = new EnvelopeSealer("gw-nobody", stranger.getPrivate(), cloud.getPublic(),
                        SealerOptions.defaults());
                long t = System.currentTimeMillis();
                String tele = "tidegate/" + GW + "/telemetry/wl-001";

                // genuine: two samples, sent twice (the repeat stores nothing)
                byte[] good = sealer.seal(ContentType.TELEMETRY, 4, 10, json("{\"gateway\":\"" + GW + "\",\"device\":\"wl-001\","
                        + "\"samples\":[{\"ch\":\"level\",\"t\":" + t + ",\"v\":2.37,\"u\":\"m\",\"q\":\"good\"},"
                        + "{\"ch\":\"pump\",\"t\":" + t + ",\"v\":true,\"q\":\"stale\"}]}"));
                pub.publish(tele, good, 1, false);
                pub.publish(tele, good, 1, false);
                // forged: signed with a key that is not the gateway's
                pub.publish(tele, forger.seal(ContentType.TELEMETRY, 4, 11, json("{\"device\":\"wl-001\",\"samples\":"
                        + "[{\"ch\":\"level\",\"t\":" + t + ",\"v\":99}]}")), 1, false);
                // tampered: a genuine frame with one body byte flipped
                byte[] tampered = sealer.seal(ContentType.TELEMETRY, 4, 12, json("{\"device\":\"wl-001\",\"samples\":"
                        + "[{\"ch\":\"level\",\"t\":" + t + ",\"v\":98}]}"));
                tampered[tampered.length - 90] ^= 0x01;
                pub.publish(tele, tampered, 1, false);
                // misrouted: a genuine frame of GW on OTHER's topic; and on the wrong device
                byte[] routed = sealer.seal(ContentType.TELEMETRY, 4, 13, json("{\"device\":\"wl-001\",\"samples\":"
                        + "[{\"ch\":\"level\",\"t\":" + t + ",\"v\":97}]}"));
                pub.publish("tidegate/" + OTHER + "/telemetry/wl-001", routed, 1, false);
                pub.publish("tidegate/" + GW + "/telemetry/wl-002", routed, 1, false);
                // unknown sender, junk, and a genuine envelope whose body cannot be stored
                pub.publish("tidegate/gw-nobody/telemetry/wl-001", unknown.seal(ContentType.TELEMETRY, 4, 1,
                        json("{\"device\":\"wl-001\",\"samples\":[]}")), 1, false);
                pub.publish(tele, "not an envelope".getBytes(StandardCharsets.UTF_8), 1, false);
                pub.publish(tele, sealer.seal(ContentType.TELEMETRY, 4, 14, json("{\"device\":\"wl-001\",\"samples\":"
                        + "[{\"ch\":\"level\",\"t\":" + t + ",\"v\":1,\"q\":\"excellent\"}]}")), 1, false);
                // alarm raised then cleared, a status, a reply
                String alarm = "tidegate/" + GW + "/alarm/wl-001";
                pub.publish(alarm, sealer.seal(ContentType.ALARM, 9, 15, json("{\"gateway\":\"" + GW + "\",\"device\":\"wl-001\","
                        + "\"kind\":\"alarm\",\"event\":\"level_high\",\"ch\":\"level\",\"t\":" + (t + 1) + ",\"v\":3.1,"
                        + "\"state\":\"raised\",\"severity\":\"major\"}")), 1, false);
                pub.publish(alarm, sealer.seal(ContentType.ALARM, 9, 16, json("{\"gateway\":\"" + GW + "\",\"device\":\"wl-001\","
                        + "\"kind\":\"alarm\",\"event\":\"level_high\",\"ch\":\"level\",\"t\":" + (t + 2) + ",\"v\":2.0,"
                        + "\"state\":\"cleared\",\"severity\":\"major\"}")), 1, false);
                pub.publish(alarm, sealer.seal(ContentType.ALARM, 9, 17, json("{\"gateway\":\"" + GW + "\",\"device\":\"wl-001\","
                        + "\"kind\":\"alarm\",\"event\":\"level_low\",\"ch\":\"level\",\"t\":" + (t + 3) + ",\"v\":0.1,"
                        + "\"state\":\"raised\",\"severity\":\"minor\"}")), 1, false);
                pub.publish("tidegate/" + GW + "/status", sealer.seal(ContentType.STATUS, 9, 18,
                        json("{\"state\":\"online\",\"version\":\"test\"}")), 1, false);
                pub.publish("tidegate/" + GW + "/reply", sealer.seal(ContentType.REPLY, 8, 19,
                        json("{\"gateway\":\"" + GW + "\",\"command\":5,\"ok\":true}")), 1, false);

                String url = pg.jdbcUrl();
                await(() -> count(url, "SELECT count(*) FROM audit") >= 7 && count(url, "SELECT count(*) FROM envelopes_seen") >= 6,
                        "audit and stored rows", ingest);
                await(() -> ingest.stats().duplicates() >= 1 && ingest.stats().unacked() == 0, "the repeat", ingest);

                Map<String, Long> reasons = new TreeMap<>();
                for (String row : Db.rows(url, "SELECT reason, count(*) FROM audit GROUP BY reason")) {
                    reasons.put(row.split("\\|")[0], Long.parseLong(row.split("\\|")[1]));
                }
                assertEquals(Map.of("BAD_SIGNATURE", 2L, "TOPIC_MISMATCH", 2L, "UNKNOWN_SENDER", 1L, "BAD_FRAME", 1L,
                        "BAD_BODY", 1L), reasons);
                assertTrue(Db.rows(url, "SELECT detail FROM audit WHERE reason = 'TOPIC_MISMATCH'").stream()
                        .anyMatch(d -> d.contains(OTHER)));
                assertTrue(Db.rows(url, "SELECT detail FROM audit WHERE reason = 'BAD_BODY'").get(0).contains("$.samples[0].q"));
                assertEquals(List.of("13", "13"), Db.rows(url, "SELECT claimed_seq FROM audit WHERE reason = 'TOPIC_MISMATCH'"));
                assertEquals(1, count(url, "SELECT count(*) FROM audit WHERE octet_length(frame) > 100 AND claimed_sender = '"
                        + GW + "' AND claimed_seq = 11"));
                // frames under 1 KiB are kept whole, with their length and SHA-256; no refusal was over the rate limit
                assertEquals(7, count(url, "SELECT count(*) FROM audit WHERE frame_length = octet_length(frame)"
                        + " AND frame_sha256 = sha256(frame) AND suppressed = 0"));

                // nowhere else: only the genuine envelopes are stored, once
                assertEquals(List.of("10", "15", "16", "17", "18", "19"),
                        Db.rows(url, "SELECT seq FROM envelopes_seen ORDER BY seq"));
                assertEquals(List.of(GW + "|wl-001|level|2.37|null|null|m|good|10",
                                GW + "|wl-001|pump|null|t|null||stale|10"),
                        Db.rows(url, "SELECT gateway, device, channel, value_num, value_bool, value_text, unit, quality, seq"
                                + " FROM readings ORDER BY channel"));
                assertEquals(2, count(url, "SELECT count(*) FROM readings WHERE sample_time = to_timestamp(" + t + " / 1000.0)"
                        + " AND tableoid::regclass::text LIKE 'readings_2%'"), "today's samples are in today's partition");
                assertEquals(List.of("level_high|" + (t + 1) + "|" + (t + 2), "level_low|" + (t + 3) + "|null"),
                        Db.rows(url, "SELECT event, (extract(epoch from raised_at) * 1000)::bigint,"
                                + " (extract(epoch from cleared_at) * 1000)::bigint FROM alarms ORDER BY event"));
                assertEquals(List.of("level_low"), Db.rows(url, "SELECT event FROM alarms WHERE cleared_at IS NULL"));
                assertEquals(3, count(url, "SELECT count(*) FROM events"));
                assertEquals(List.of("online|18"), Db.rows(url, "SELECT last_status->>'state', last_status_seq FROM gateways"
                        + " WHERE id = '" + GW + "'"));
                assertEquals(List.of("5|true"), Db.rows(url, "SELECT command_seq, body->>'ok' FROM replies"));
                assertEquals(2, count(url, "SELECT count(*) FROM gateways WHERE length(key_fingerprint) = 64"));
                IngestStats s = ingest.stats();
                assertEquals(6, s.stored());
                assertEquals(7, s.refused());
                assertEquals(0, s.notAudited());
                assertEquals(2, s.rows());
                assertEquals(s.received(), s.acked(), "every message acknowledged after its commit: " + s);
                await(() -> count(url, "SELECT count(*) FROM gateways WHERE last_seen IS NOT NULL") == 1, "last_seen", ingest);
            }
        }
    }

    static long count(String url, String sql) {
        try {
            return Db.count(url, sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition, String what, IngestService ingest) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + ": " + ingest.stats());
            Thread.sleep(50);
        }
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
