package org.tidegate.bench.ingest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.cli.Args;
import org.tidegate.core.model.Sample;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.ingest.ReadingsCopy;
import org.tidegate.lab.postgres.PostgresCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench ingest}: readings stored durably per second by 1 and by 2 {@code tidegate ingest} processes
 * (JVMs of their own, one shared group) from mosquitto into a private PostgreSQL cluster with {@code fsync} and
 * {@code synchronous_commit} on, beside a plain binary {@code COPY} of the same rows into the same table in the same
 * run (the peer: PostgreSQL's own bulk path, no MQTT, no crypto, one transaction).
 *
 * <p>Method, per run and process count: TRUNCATE; a fresh broker and a fresh group; the ingest processes start and
 * subscribe; a warm-up workload (half the size of the measured one) is published and stored, again after a TRUNCATE
 * until the JIT compilers have settled ({@link #warmUp}), so the hot paths are compiled as in a long-running service;
 * TRUNCATE; the processes are stopped with SIGSTOP (connections stay); the measured workload (sealed, signed and
 * encrypted telemetry of {@code --gateways} gateways, {@code --samples} samples each, JSON or compact bodies) is
 * published at QoS 1 and queues in their sessions; SIGCONT, and the clock runs from the first stored envelope of it
 * to the last, polling {@code count(*)} of {@code envelopes_seen} (written in the transaction that stores the
 * envelope's readings, and a fortieth of their count to scan); at the end {@code readings} must hold every sample.
 * So it measures the ingest (receive, verify, decrypt, parse, store, commit, acknowledge), not the publisher. Beside
 * the wall-clock rate it reports readings per CPU-second of the ingest JVMs plus PostgreSQL (from /proc, without the
 * benchmark's own polling backend), the CPU per reading of each (the ingest JVMs also by thread group) and of
 * mosquitto, which hold on a machine shared with other work.
 */
@Command(name = "ingest",
        description = "ingest into PostgreSQL: readings/s with 1 and 2 ingest processes vs a plain COPY of the same rows")
public final class IngestBenchmark implements Benchmark {
    private static final long POLL_MS = 20;
    private static final int WARM_ROUNDS = 4;
    private static final double WARM_JIT_SHARE = 0.05;
    /**
     * One measured run.
     *
     * @param perSecond     readings per wall-clock second
     * @param clientCpu     CPU seconds of the ingest processes (or the COPY client thread) while measuring
     * @param serverCpu     CPU seconds of PostgreSQL (postmaster and its children, less the benchmark's own polling
     *                      backend) while measuring
     * @param brokerCpu     CPU seconds of mosquitto while measuring (0 for the COPY peer, which has no broker)
     * @param clientThreads the ingest processes' CPU seconds by thread group ({@link CpuTime#byThreadGroup})
     * @param warmUp        how the warm-up went (rounds, the JIT compilers' share of the last one)
     */
    record Measured(double perSecond, long readings, double clientCpu, double serverCpu, double brokerCpu,
                    Map<String, Double> clientThreads, String warmUp) {
        /** Readings per CPU-second of client plus PostgreSQL (the broker is shown apart: the peer has none). */
        double perCpuSecond() {
            return readings / (clientCpu + serverCpu);
        }

        double micros(double cpuSeconds) {
            return cpuSeconds / readings * 1e6;
        }
    }

    @Option(names = "--envelopes", paramLabel = "N", defaultValue = "10000",
            description = "telemetry envelopes per run (default ${DEFAULT-VALUE})")
    int envelopes;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "40",
            description = "readings per envelope (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--gateways", paramLabel = "N", defaultValue = "20",
            description = "gateways the envelopes come from (default ${DEFAULT-VALUE})")
    int gateways;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "runs per figure (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
            description = "ingest --batch: envelopes per transaction (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--heap", paramLabel = "MB", defaultValue = "256",
            description = "-Xmx of each ingest process in MB (default ${DEFAULT-VALUE})")
    int heap;

    @Option(names = "--body", paramLabel = "json|compact", defaultValue = "json",
            description = "telemetry body encoding (default ${DEFAULT-VALUE})")
    String bodyForm;

    @Option(names = "--keep", description = "keep the work directory (PostgreSQL cluster, logs) afterwards")
    boolean keep;

    @Override
    public int measure(PrintStream out) throws Exception {
        if (!bodyForm.equals("json") && !bodyForm.equals("compact")) {
            throw new Args.UsageException("--body must be json or compact, got " + bodyForm);
        }
        boolean compact = bodyForm.equals("compact");
        if (!MosquittoBroker.installed() || !PostgresCluster.installed()) {
            out.println("ingest benchmark: needs mosquitto and PostgreSQL (Debian: apt-get install mosquitto postgresql)");
            return 1;
        }
        Path work = Files.createTempDirectory("tidegate-bench-ingest");
        try (PostgresCluster pg = PostgresCluster.start(true)) {
            Workload w = Workload.create(work, envelopes, samples, gateways, compact);
            long rows = (long) envelopes * samples;
            out.printf(Locale.ROOT, "ingest benchmark: %d envelopes x %d samples = %d readings from %d gateways,"
                            + " %s bodies, %d runs, batch %d, ingest heap %d MB; %s (fsync on, synchronous_commit on),"
                            + " %s%n",
                    envelopes, samples, rows, gateways, bodyForm, runs, batch, heap, pg.describe(),
                    new MosquittoBroker(work.resolve("probe")).describe());
            out.printf(Locale.ROOT, "workload: %s%n", describeWorkload(samples, compact));
            double[] one = new double[runs];
            double[] two = new double[runs];
            double[] copy = new double[runs];
            double[] oneCpu = new double[runs];
            double[] twoCpu = new double[runs];
            double[] copyCpu = new double[runs];
            double[] twoClientCpuPerMillion = new double[runs];
            double[] twoServerUs = new double[runs];
            double[] twoBrokerUs = new double[runs];
            double[] copyClientUs = new double[runs];
            double[] copyServerUs = new double[runs];
            for (int r = 0; r < runs; r++) {
                Measured m1 = ingestRun(work, pg, w, 1, r, batch, heap);
                Measured m2 = ingestRun(work, pg, w, 2, r, batch, heap);
                Measured mc = copyRun(pg, w);
                one[r] = m1.perSecond();
                two[r] = m2.perSecond();
                copy[r] = mc.perSecond();
                oneCpu[r] = m1.perCpuSecond();
                twoCpu[r] = m2.perCpuSecond();
                copyCpu[r] = mc.perCpuSecond();
                twoClientCpuPerMillion[r] = m2.micros(m2.clientCpu());
                twoServerUs[r] = m2.micros(m2.serverCpu());
                twoBrokerUs[r] = m2.micros(m2.brokerCpu());
                copyClientUs[r] = mc.micros(mc.clientCpu());
                copyServerUs[r] = mc.micros(mc.serverCpu());
                out.printf(Locale.ROOT, "  run %d: 1 process %,.0f readings/s, 2 processes %,.0f, COPY %,.0f;"
                                + " per CPU-second (client + PostgreSQL): %,.0f, %,.0f, COPY %,.0f; load average %s%n",
                        r + 1, one[r], two[r], copy[r], oneCpu[r], twoCpu[r], copyCpu[r], loadAverage());
                out.printf(Locale.ROOT, "         CPU per reading: 2 processes: ingest JVMs %.2f us, PostgreSQL %.2f us,"
                                + " mosquitto %.2f us; COPY: client %.2f us, PostgreSQL %.2f us%n",
                        twoClientCpuPerMillion[r], twoServerUs[r], twoBrokerUs[r], copyClientUs[r], copyServerUs[r]);
                StringBuilder split = new StringBuilder();
                m2.clientThreads().forEach((k, v) -> split.append(split.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%s %.2f", k, m2.micros(v))));
                out.printf(Locale.ROOT, "         ingest JVMs' CPU per reading by thread (us): %s; %s (1 process: %s)%n",
                        split, m2.warmUp(), m1.warmUp());
            }
            BenchReport report = new BenchReport("ingest");
            report.put("envelopes", envelopes).put("samples", samples).put("gateways", gateways).put("body", bodyForm)
                    .put("runs", runs);
            out.println("medians:");
            double m1 = BenchReport.median(one);
            double m2 = BenchReport.median(two);
            double mc = BenchReport.median(copy);
            report.put(out, "readings_per_s_1_process", "ingest, 1 process", m1, "readings/s");
            report.put(out, "readings_per_s_2_processes", "ingest, 2 processes", m2, "readings/s");
            report.put(out, "copy_readings_per_s", "plain COPY of the same rows (peer)", mc, "readings/s");
            report.put(out, "ratio_2_processes_vs_copy", "2 processes / COPY (goal >= 0.5)", m2 / mc, "");
            report.put(out, "ratio_2_vs_1", "2 processes / 1 process", m2 / m1, "");
            double c1 = BenchReport.median(oneCpu);
            double c2 = BenchReport.median(twoCpu);
            double cc = BenchReport.median(copyCpu);
            report.put(out, "readings_per_cpu_s_1_process", "ingest, 1 process, per CPU-second (ingest + PostgreSQL)",
                    c1, "readings");
            report.put(out, "readings_per_cpu_s_2_processes", "ingest, 2 processes, per CPU-second", c2, "readings");
            report.put(out, "copy_readings_per_cpu_s", "COPY, per CPU-second (client + PostgreSQL)", cc, "readings");
            report.put(out, "cpu_ratio_2_processes_vs_copy", "CPU efficiency, 2 processes / COPY", c2 / cc, "");
            report.put(out, "ingest_cpu_us_per_reading", "ingest JVMs' CPU per reading (2 processes)",
                    BenchReport.median(twoClientCpuPerMillion), "us");
            report.put(out, "ingest_pg_cpu_us_per_reading", "PostgreSQL's CPU per reading (2 processes)",
                    BenchReport.median(twoServerUs), "us");
            report.put(out, "ingest_broker_cpu_us_per_reading", "mosquitto's CPU per reading (2 processes)",
                    BenchReport.median(twoBrokerUs), "us");
            report.put(out, "copy_client_cpu_us_per_reading", "COPY client's CPU per reading",
                    BenchReport.median(copyClientUs), "us");
            report.put(out, "copy_pg_cpu_us_per_reading", "PostgreSQL's CPU per reading (COPY)",
                    BenchReport.median(copyServerUs), "us");
            report.put("load_average_at_end", loadAverage());
            report.put("goal_50000_met", m2 >= 50_000);
            report.put("goal_half_copy_met", m2 / mc >= 0.5);
            report.printJson(out);
            return 0;
        } finally {
            if (keep) {
                out.println("work directory kept (ingest logs): " + work);
            } else {
                deleteTree(work);
            }
        }
    }

    /** One measured ingest with {@code processes} processes; readings per second. */
    private static Measured ingestRun(Path work, PostgresCluster pg, Workload w, int processes, int run,
                                      int batch, int heap) throws Exception {
        truncate(pg);
        Path brokerDir = work.resolve("mosquitto-" + processes + "-" + run);
        try (MosquittoBroker broker = new MosquittoBroker(brokerDir)) {
            broker.start();
            long brokerPid = childPid(brokerDir.toString());
            String group = "bench" + processes + "r" + run;
            List<Process> ps = new ArrayList<>();
            try {
                for (int i = 0; i < processes; i++) {
                    ps.add(startIngest(work, broker, pg, group, group + "-" + i, batch, heap));
                }
                for (int i = 0; i < processes; i++) {
                    awaitLine(work, group + "-" + i, "SUBSCRIBED", ps.get(i));
                }
                String warmUp = warmUp(pg, broker, w, ps);
                // the measured workload queues while the processes are stopped (SIGSTOP keeps their connections)
                for (Process p : ps) {
                    signal(p, "-STOP");
                }
                w.publish(broker.url(), false);
                for (Process p : ps) {
                    signal(p, "-CONT");
                }
                Measured m = measure(pg, w, ps, brokerPid);
                return new Measured(m.perSecond(), m.readings(), m.clientCpu(), m.serverCpu(), m.brokerCpu(),
                        m.clientThreads(), warmUp);
            } finally {
                for (Process p : ps) {
                    signal(p, "-CONT");
                    stop(p);
                }
            }
        }
    }

    private static Map<String, Double> threadGroups(List<Process> ps) {
        Map<String, Double> sum = new TreeMap<>();
        for (Process p : ps) {
            CpuTime.byThreadGroup(p.pid()).forEach((k, v) -> sum.merge(k, v, Double::sum));
        }
        return sum;
    }

    /**
     * A long-running service has compiled its hot paths; a fresh JVM has not, and on a loaded machine its JIT
     * compilers were seen still busy after one warm-up round (a third of the JVMs' CPU in the measured window). So
     * the warm-up workload is stored again (after a TRUNCATE, so the same frames are new to the database) until the
     * compilers take less than {@value #WARM_JIT_SHARE} of the processes' CPU in a round, at most
     * {@value #WARM_ROUNDS} rounds.
     */
    private static String warmUp(PostgresCluster pg, MosquittoBroker broker, Workload w, List<Process> ps)
            throws Exception {
        double share = 1;
        int round = 0;
        while (round < WARM_ROUNDS && share >= WARM_JIT_SHARE) {
            if (round++ > 0) {
                truncate(pg);
            }
            Map<String, Double> before = threadGroups(ps);
            w.publish(broker.url(), true);
            awaitEnvelopes(pg, w.warm(), ps);
            Map<String, Double> after = threadGroups(ps);
            double total = after.values().stream().mapToDouble(Double::doubleValue).sum()
                    - before.values().stream().mapToDouble(Double::doubleValue).sum();
            double jit = after.getOrDefault("jit", 0.0) - before.getOrDefault("jit", 0.0);
            share = total > 0 ? jit / total : 0;
        }
        truncate(pg);
        return String.format(Locale.ROOT, "%d warm-up round%s, JIT %.0f %% of the last", round, round == 1 ? "" : "s",
                100 * share);
    }

    /** The pid of this JVM's child process whose command line mentions {@code text} (the broker), or 0. */
    private static long childPid(String text) {
        return ProcessHandle.current().children()
                .filter(h -> h.info().arguments().map(args -> String.join(" ", args).contains(text)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(0);
    }

    private static void signal(Process p, String sig) throws IOException, InterruptedException {
        if (p.isAlive()) {
            new ProcessBuilder("kill", sig, Long.toString(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Stored envelopes, committed: {@code envelopes_seen} gets an envelope's key in the transaction that stores its
     * readings, so its row count is the progress of {@code readings} at a fortieth of the cost of counting readings
     * (a count over readings every 20 ms kept one core of PostgreSQL busy and was charged to the ingest).
     */
    private static long storedEnvelopes(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM envelopes_seen")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void awaitEnvelopes(PostgresCluster pg, long envelopes, List<Process> ps) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (storedEnvelopes(s) < envelopes) {
                for (Process p : ps) {
                    if (!p.isAlive()) {
                        throw new IOException("an ingest process exited with " + p.exitValue() + " during warm-up");
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("warm-up not stored within 5 minutes");
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * From the first stored envelope of the measured workload to the last, polling every {@value #POLL_MS} ms; then
     * checks that {@code readings} holds every sample of it exactly.
     */
    private static Measured measure(PostgresCluster pg, Workload w, List<Process> ps, long brokerPid)
            throws Exception {
        long before = 0; // the warm-up's rows were truncated
        long envelopes = w.measured();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
            long ownBackend;
            try (ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                ownBackend = r.getLong(1);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long first = 0;
            long firstCount = 0;
            double clientCpu0 = 0;
            double serverCpu0 = 0;
            double brokerCpu0 = 0;
            Map<String, Double> threads0 = Map.of();
            while (true) {
                long n = storedEnvelopes(s);
                long now = System.nanoTime();
                if (first == 0 && n > before) {
                    first = now;
                    firstCount = n;
                    clientCpu0 = ps.stream().mapToDouble(p -> CpuTime.of(p.pid())).sum();
                    serverCpu0 = CpuTime.withChildren(pg.serverPid()) - CpuTime.of(ownBackend);
                    brokerCpu0 = CpuTime.of(brokerPid);
                    threads0 = threadGroups(ps);
                }
                if (n >= envelopes) {
                    // the first poll that saw rows started the clock; what was already there counts as before it
                    double clientCpu = ps.stream().mapToDouble(p -> CpuTime.of(p.pid())).sum() - clientCpu0;
                    double serverCpu = CpuTime.withChildren(pg.serverPid()) - CpuTime.of(ownBackend) - serverCpu0;
                    double brokerCpu = CpuTime.of(brokerPid) - brokerCpu0;
                    Map<String, Double> threads = new TreeMap<>(threadGroups(ps));
                    threads0.forEach((k, v) -> threads.merge(k, -v, Double::sum));
                    long readings = (envelopes - firstCount) * w.samples();
                    try (ResultSet r = s.executeQuery("SELECT count(*) FROM readings")) {
                        r.next();
                        long expected = envelopes * w.samples();
                        if (r.getLong(1) != expected) {
                            throw new IOException("readings holds " + r.getLong(1) + " rows, expected " + expected);
                        }
                    }
                    return new Measured(readings / ((now - first) / 1e9), readings, clientCpu, serverCpu, brokerCpu,
                            threads, "");
                }
                for (Process p : ps) {
                    if (!p.isAlive()) {
                        throw new IOException("an ingest process exited with " + p.exitValue() + " at " + n
                                + " envelopes");
                    }
                }
                if (now > deadline) {
                    throw new IOException("ingest stored only " + n + " of " + envelopes + " envelopes in 10 minutes");
                }
                Thread.sleep(POLL_MS);
            }
        }
    }

    /**
     * The peer: every reading of the workload in one binary COPY, one transaction, committed. The rows are encoded
     * while they stream (in pieces of 1 000 envelopes, so the benchmark fits a small heap): the client's share of a
     * COPY, as psql's would be.
     */
    private static Measured copyRun(PostgresCluster pg, Workload w) throws Exception {
        truncate(pg);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl())) {
            c.setAutoCommit(false);
            double server0 = CpuTime.withChildren(pg.serverPid());
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(ReadingsCopy.SQL);
            w.copyTo(in);
            long n = in.endCopy();
            c.commit();
            long t1 = System.nanoTime();
            double client = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double server = CpuTime.withChildren(pg.serverPid()) - server0;
            if (n != w.rows()) {
                throw new IOException("COPY stored " + n + " of " + w.rows() + " rows");
            }
            return new Measured(n / ((t1 - t0) / 1e9), n, client, server, 0, Map.of(), "");
        }
    }

    /** What the envelopes hold beside what a gateway as shipped sends (docs/configuration.md, telemetry). */
    private static String describeWorkload(int samples, boolean compact) {
        String shipped = "a gateway as shipped (telemetry.batchPolls 1, body json) sends one poll of one device per"
                + " envelope: 1-9 samples with the reference site's profiles (config/examples/riverside)";
        if (samples <= 9 && !compact) {
            return samples + " samples per envelope, JSON: the shipped batching (" + shipped + ")";
        }
        return samples + " samples per envelope, " + (compact ? "compact" : "JSON") + ": a batching gateway"
                + " (telemetry.batchPolls " + Math.max(2, (samples + 8) / 9) + " on a 9-channel meter, or "
                + samples + " channels per poll" + (compact ? ", telemetry.body compact" : "") + "); " + shipped
                + " (--samples 9)";
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void truncate(PostgresCluster pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
            // the schema exists once an ingest process has run; the COPY peer may come first only if none did
            s.execute("SELECT 1");
            try (ResultSet r = s.executeQuery("SELECT to_regclass('readings') IS NOT NULL")) {
                r.next();
                if (r.getBoolean(1)) {
                    s.execute("TRUNCATE readings, envelopes_seen, audit, events, replies");
                    s.execute("CHECKPOINT");
                }
            }
        }
    }

    private static Process startIngest(Path work, MosquittoBroker broker, PostgresCluster pg, String group, String id,
                                       int batch, int heap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx" + heap + "m", "-XX:+UseParallelGC", "-cp",
                System.getProperty("java.class.path"), "org.tidegate.launcher.Main", "ingest", "--broker", broker.url(),
                "--db", pg.jdbcUrl(), "--key", work.resolve("cloud.key.pem").toString(), "--trust",
                work.resolve("trust").toString(), "--group", group, "--id", id, "--batch", Integer.toString(batch),
                "--inflight", Integer.toString(Math.max(2000, 2 * batch)), "--progress", "5s");
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve(id + ".log").toFile()).start();
    }

    private static void awaitLine(Path work, String id, String text, Process p) throws Exception {
        Path log = work.resolve(id + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains(text)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IOException(id + " did not subscribe: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The sealed envelopes (with their topics) and the same samples as COPY rows. */
    private record Workload(List<String> topics, List<byte[]> frames, List<String[]> meta, int samples,
                            long baseTime, int warm, boolean compact) {
        /**
         * The first {@code warm} frames warm the ingest up; the measured workload (and the COPY's rows) follow.
         *
         * @param compact compact telemetry bodies (float32 values, as a gateway reading float registers sends them)
         *                instead of JSON
         */
        static Workload create(Path work, int envelopes, int samples, int gateways, boolean compact)
                throws Exception {
            int warm = Math.max(gateways, envelopes / 2);
            envelopes += warm;
            KeyPair cloud = SmKeys.generate();
            Path trust = Files.createDirectories(work.resolve("trust"));
            PemKeys.writePrivateKey(work.resolve("cloud.key.pem"), cloud.getPrivate(), true);
            List<EnvelopeSealer> sealers = new ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                KeyPair k = SmKeys.generate();
                String id = String.format("gw-bench-%04d", g);
                PemKeys.writePublicKey(trust.resolve(id + ".pub.pem"), k.getPublic(), true);
                sealers.add(new EnvelopeSealer(id, k.getPrivate(), cloud.getPublic(), SealerOptions.defaults()));
            }
            long base = System.currentTimeMillis() - 3_600_000L;
            List<String> topics = new ArrayList<>(envelopes);
            List<byte[]> frames = new ArrayList<>(envelopes);
            List<String[]> meta = new ArrayList<>(envelopes);
            for (int i = 0; i < envelopes; i++) {
                EnvelopeSealer s = sealers.get(i % gateways);
                long seq = i / gateways + 1;
                String device = "meter-" + (seq % 5);
                long t = base + seq * 1000;
                byte[] body;
                if (compact) {
                    List<Sample> list = new ArrayList<>(samples);
                    for (int c = 0; c < samples; c++) {
                        list.add(Sample.good(device, "ch" + c, t, value(i, c, true), "V"));
                    }
                    body = CompactTelemetry.encode(s.senderId(), device, list);
                } else {
                    StringBuilder json = new StringBuilder(64 + samples * 64).append("{\"gateway\":\"")
                            .append(s.senderId()).append("\",\"device\":\"").append(device).append("\",\"samples\":[");
                    for (int c = 0; c < samples; c++) {
                        json.append(c == 0 ? "" : ",").append("{\"ch\":\"ch").append(c).append("\",\"t\":").append(t)
                                .append(",\"v\":").append(value(i, c, false)).append(",\"u\":\"V\",\"q\":\"good\"}");
                    }
                    body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                }
                topics.add("tidegate/" + s.senderId() + "/telemetry/" + device);
                frames.add(s.seal(ContentType.TELEMETRY, 4, seq, t, body));
                meta.add(new String[] {s.senderId(), device, Long.toString(seq), Long.toString(t)});
            }
            return new Workload(topics, frames, meta, samples, base, warm, compact);
        }

        /** A voltage; as float32 (what a compact body carries for a float register) when {@code float32}. */
        static double value(int i, int c, boolean float32) {
            double v = 220.0 + ((i * 31 + c * 7) % 200) / 10.0;
            return float32 ? (double) (float) v : v;
        }

        /** Envelopes of the measured part. */
        long measured() {
            return frames.size() - warm;
        }

        /** Readings of the measured part. */
        long rows() {
            return (long) (frames.size() - warm) * samples;
        }

        /** Every reading of the measured part, encoded while it streams (as the ingest's writer does). */
        void copyTo(CopyIn in) throws SQLException {
            ReadingsCopy copy = new ReadingsCopy();
            long now = System.currentTimeMillis();
            String[] channels = new String[samples];
            for (int c = 0; c < samples; c++) {
                channels[c] = "ch" + c;
            }
            for (int i = warm; i < meta.size(); i++) {
                String[] m = meta.get(i);
                long t = Long.parseLong(m[3]);
                long seq = Long.parseLong(m[2]);
                for (int c = 0; c < samples; c++) {
                    copy.add(m[0], m[1], channels[c], t, value(i, c, compact), null, null, "V", "good", seq, now);
                    if (copy.full()) {
                        copy.flushTo(in);
                    }
                }
            }
            copy.finishTo(in);
        }

        /** Publishes everything at QoS 1 with a window of 1000 unacknowledged messages. */
        void publish(String url, boolean warmUp) throws Exception {
            MqttAsyncClient c = new MqttAsyncClient(url, "bench-publisher", new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            c.connect(o).waitForCompletion(15_000);
            Semaphore window = new Semaphore(1000);
            MqttActionListener release = new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken t) {
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken t, Throwable e) {
                    window.release();
                }
            };
            for (int i = warmUp ? 0 : warm; i < (warmUp ? warm : frames.size()); i++) {
                if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IOException("publisher stalled at " + i);
                }
                MqttMessage m = new MqttMessage(frames.get(i));
                m.setQos(1);
                c.publish(topics.get(i), m, null, release);
            }
            if (!window.tryAcquire(1000, 120, TimeUnit.SECONDS)) {
                throw new IOException("publisher: not every message was acknowledged");
            }
            c.disconnect().waitForCompletion(5000);
            c.close();
        }
    }
}
