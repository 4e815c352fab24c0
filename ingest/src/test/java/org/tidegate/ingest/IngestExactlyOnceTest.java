package org.tidegate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.cloud.broker.RawMqtt;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import org.tidegate.lab.postgres.PostgresCluster;
import org.tidegate.store.QueueStats;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * Acceptance, issue 16: several gateways (the gateway's own publisher: SQLite store, outbox, MQTT session, each with
 * its own identity) → mosquitto → two {@code tidegate ingest} processes (JVMs of their own) in one shared group.
 * Mid-stream one ingest process is killed with SIGKILL and restarted; then the broker is restarted; then a captured
 * backlog of telemetry is published again. Every envelope that the gateways' stores handed to the broker (their
 * stores are empty at the end: all acknowledged) is in the database exactly once, with all its samples, once each;
 * nothing is refused.
 */
@Timeout(180)
class IngestExactlyOnceTest {
    static final int GATEWAYS = 4;
    static final int CHANNELS = 10;
    static final Pattern TOTALS = Pattern.compile("totals stored (\\d+), duplicates (\\d+), refused (\\d+), rows (\\d+)");

    @TempDir
    Path dir;

    @Test
    void everySampleOnceThroughKillBrokerRestartAndReplay() throws Exception {
        Peers.require();
        KeyPair cloud = SmKeys.generate();
        Path trust = Files.createDirectories(dir.resolve("trust"));
        PemKeys.writePrivateKey(dir.resolve("cloud.key.pem"), cloud.getPrivate(), true);
        List<String> ids = new ArrayList<>();
        List<KeyPair> keys = new ArrayList<>();
        for (int g = 0; g < GATEWAYS; g++) {
            String id = "gw-city-" + String.format("%04d", g);
            KeyPair k = SmKeys.generate();
            PemKeys.writePublicKey(trust.resolve(id + ".pub.pem"), k.getPublic(), true);
            ids.add(id);
            keys.add(k);
        }
        MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto"));
        broker.start();
        List<UplinkRig> rigs = new ArrayList<>();
        Process a = null;
        Process b = null;
        try (broker; PostgresCluster pg = PostgresCluster.start(false)) {
            String url = pg.jdbcUrl();
            // the captured backlog: every telemetry frame seen by a plain (non-shared) subscriber before the restart
            List<String[]> capturedTopics = new CopyOnWriteArrayList<>();
            List<byte[]> captured = new CopyOnWriteArrayList<>();
            RawMqtt capture = new RawMqtt(broker.url(), "capture", (topic, payload) -> {
                capturedTopics.add(new String[] {topic});
                captured.add(payload);
            });
            capture.subscribe("tidegate/+/telemetry/+", 1);

            a = startIngest(broker, pg, "ingest-a", 1);
            b = startIngest(broker, pg, "ingest-b", 1);
            awaitLine(a, "ingest-a", 1, "SUBSCRIBED");
            awaitLine(b, "ingest-b", 1, "SUBSCRIBED");

            Map<String, Set<Long>> submitted = new ConcurrentHashMap<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            List<Thread> producers = new ArrayList<>();
            for (int g = 0; g < GATEWAYS; g++) {
                String id = ids.get(g);
                // the gateways' default reconnect back-off (from 1 s, jittered)
                UplinkOptions o = UplinkOptions.defaults(id, broker.url());
                UplinkRig rig = UplinkRig.open(dir.resolve("gw-" + g), o, keys.get(g).getPrivate(), "cloud",
                        cloud.getPublic(), null).start();
                rigs.add(rig);
                Set<Long> seqs = ConcurrentHashMap.newKeySet();
                submitted.put(id, seqs);
                Thread t = new Thread(() -> produce(rig, id, seqs, producing), "producer-" + id);
                producers.add(t);
                t.start();
            }

            // mid-stream: once both processes are storing (a loaded machine may take a while to get there)
            long streamDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Db.count(url, "SELECT count(*) FROM envelopes_seen WHERE content_type = 1") < 100
                    || totals(a, "ingest-a", 1)[0] == 0 || totals(b, "ingest-b", 1)[0] == 0) {
                assertTrue(System.nanoTime() < streamDeadline, "nothing stored before the kill\n" + tail("ingest-a", 1)
                        + "\n" + tail("ingest-b", 1));
                Thread.sleep(100);
            }
            long storedBeforeKill = Db.count(url, "SELECT count(*) FROM envelopes_seen");
            long killAt = System.currentTimeMillis();
            a.destroyForcibly(); // SIGKILL mid-stream: whatever it held unacknowledged is redelivered to its session
            assertTrue(a.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, a.exitValue(), "ingest-a died of SIGKILL");
            Thread.sleep(1500);
            a = startIngest(broker, pg, "ingest-a", 2);
            awaitLine(a, "ingest-a", 2, "SUBSCRIBED");
            Thread.sleep(2000);

            capture.close();
            long brokerStopAt = System.currentTimeMillis();
            broker.stop(); // the broker saves its database (sessions, queued messages) and comes back on the same port
            Thread.sleep(1500);
            broker.start();
            Thread.sleep(3000);
            producing.set(false);
            for (Thread t : producers) {
                t.join(10_000);
            }

            // replay what was captured: all of it already stored, so none of it may add a row
            assertTrue(captured.size() > 100, "captured only " + captured.size());
            try (RawMqtt replay = new RawMqtt(broker.url(), "replay", null)) {
                for (int i = 0; i < captured.size(); i++) {
                    replay.publish(capturedTopics.get(i)[0], captured.get(i), 1, false);
                }
            }

            long expected = submitted.values().stream().mapToLong(Set::size).sum();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                long seen = Db.count(url, "SELECT count(*) FROM envelopes_seen WHERE content_type = 1");
                boolean drained = rigs.stream().allMatch(r -> r.queue().stats().messages() == 0);
                long dups = totals(a, "ingest-a", 2)[1] + totals(b, "ingest-b", 1)[1];
                if (seen >= expected && drained && dups >= captured.size()) {
                    break;
                }
                if (drained && System.nanoTime() > deadline - TimeUnit.SECONDS.toNanos(75)) {
                    break; // stores empty for a while and still short: the checks below say what is missing
                }
                assertTrue(System.nanoTime() < deadline, "not drained: " + seen + " of " + expected + " stored, gateway"
                        + " stores " + rigs.stream().map(r -> r.queue().stats().messages()).toList() + ", duplicates "
                        + dups + " of " + captured.size() + " replayed\n" + tail("ingest-a", 2) + "\n" + tail("ingest-b", 1));
                Thread.sleep(250);
            }

            // exactly the envelopes the gateways' stores handed over and the broker acknowledged, each once
            Map<String, Set<Long>> stored = new TreeMap<>();
            for (String row : Db.rows(url, "SELECT gateway, seq FROM envelopes_seen WHERE content_type = 1")) {
                String[] p = row.split("\\|");
                assertTrue(stored.computeIfAbsent(p[0], k -> new HashSet<>()).add(Long.parseLong(p[1])), "twice: " + row);
            }
            if (!new TreeMap<>(submitted).equals(stored)) {
                for (String gw : submitted.keySet()) {
                    Set<Long> missing = new java.util.TreeSet<>(submitted.get(gw));
                    missing.removeAll(stored.getOrDefault(gw, Set.of()));
                    System.out.println("MISSING " + gw + " " + missing.size() + ": " + missing + " (kill at " + killAt
                            + ", broker stop at " + brokerStopAt + ") neighbours: " + Db.rows(url, "SELECT seq,"
                            + " (extract(epoch from created_at)*1000)::bigint FROM envelopes_seen WHERE gateway = '" + gw
                            + "' AND seq IN (" + missing.stream().flatMap(m -> java.util.stream.Stream.of(m - 1, m + 1))
                            .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")) + ") ORDER BY seq"));
                }
            }
            assertEquals(new TreeMap<>(submitted), stored);
            for (UplinkRig r : rigs) {
                QueueStats s = r.queue().stats();
                assertEquals(0, s.messages(), "the gateway's store still holds messages");
                assertTrue(s.delivered() >= submitted.get(ids.get(rigs.indexOf(r))).size(), "store delivered " + s.delivered());
            }
            assertEquals(expected * CHANNELS, Db.count(url, "SELECT count(*) FROM readings"), "every sample, once");
            assertEquals(0, Db.count(url, "SELECT count(*) FROM (SELECT gateway, seq, channel FROM readings"
                    + " GROUP BY 1, 2, 3 HAVING count(*) > 1) d"), "no sample twice");
            assertEquals(expected, Db.count(url, "SELECT count(DISTINCT (gateway, seq)) FROM readings"));
            assertEquals(0, Db.count(url, "SELECT count(*) FROM audit"), Db.rows(url, "SELECT reason, detail FROM audit").toString());
            // both processes stored a share, and the repeats were found and dropped, not stored
            long[] ta = totals(a, "ingest-a", 2);
            long[] tb = totals(b, "ingest-b", 1);
            assertTrue(ta[0] > 0 && tb[0] > 0, "stored by a (after its restart) " + ta[0] + ", by b " + tb[0]);
            assertTrue(ta[1] + tb[1] >= captured.size(), "duplicates " + (ta[1] + tb[1]) + " < replayed " + captured.size());
            System.out.printf("exactly-once: %d gateways, %d envelopes, %d readings; stored before the kill %d;"
                    + " after: a %d, b %d (b's total), duplicates dropped %d (replayed %d)%n", GATEWAYS, expected,
                    expected * CHANNELS, storedBeforeKill, ta[0], tb[0], ta[1] + tb[1], captured.size());
        } finally {
            for (UplinkRig r : rigs) {
                r.close();
            }
            for (Process p : new Process[] {a, b}) {
                if (p != null) {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }

    private static void produce(UplinkRig rig, String id, Set<Long> seqs, AtomicBoolean producing) {
        long i = 0;
        while (producing.get()) {
            long t = System.currentTimeMillis();
            String device = "dev-" + (i % 2);
            StringBuilder body = new StringBuilder("{\"gateway\":\"" + id + "\",\"device\":\"" + device + "\",\"samples\":[");
            for (int c = 0; c < CHANNELS; c++) {
                body.append(c == 0 ? "" : ",").append("{\"ch\":\"c").append(c).append("\",\"t\":").append(t)
                        .append(",\"v\":").append(i + c / 10.0).append(",\"u\":\"m\",\"q\":\"good\"}");
            }
            body.append("]}");
            try {
                seqs.add(rig.outbox().submit(ContentType.TELEMETRY, device, 4, body.toString().getBytes(StandardCharsets.UTF_8)));
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            i++;
        }
    }

    private Process startIngest(MosquittoBroker broker, PostgresCluster pg, String id, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                IngestChild.class.getName(), "--broker", broker.url(), "--db", pg.jdbcUrl(), "--key",
                dir.resolve("cloud.key.pem").toString(), "--trust", dir.resolve("trust").toString(), "--group", "city",
                "--id", id, "--progress", "1s", "--batch", "500", "--inflight", "1000");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(id, run).toFile()).start();
    }

    private Path log(String id, int run) {
        return dir.resolve(id + "-" + run + ".log");
    }

    private void awaitLine(Process p, String id, int run, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log(id, run)).contains(text)) {
            assertTrue(p.isAlive(), id + " exited: " + Files.readString(log(id, run)));
            assertTrue(System.nanoTime() < deadline, id + " did not print " + text + ": " + Files.readString(log(id, run)));
            Thread.sleep(100);
        }
    }

    /** stored, duplicates, refused, rows from the process's last progress line. */
    private long[] totals(Process p, String id, int run) throws IOException {
        Matcher last = null;
        for (String line : Files.readAllLines(log(id, run))) {
            Matcher m = TOTALS.matcher(line);
            if (m.find()) {
                last = m;
            }
        }
        if (last == null) {
            return new long[4];
        }
        return new long[] {Long.parseLong(last.group(1)), Long.parseLong(last.group(2)), Long.parseLong(last.group(3)),
                Long.parseLong(last.group(4))};
    }

    private String tail(String id, int run) throws IOException {
        List<String> lines = Files.readAllLines(log(id, run));
        return id + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }
}
