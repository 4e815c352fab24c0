package org.tidegate.bench.store;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tidegate.store.sqlite.Synchronous;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench store}: appends/s for 256-byte messages with a single writer and with group commit
 * (many concurrent appenders, each append still durable on return), drained messages/s, and the database
 * size per 100 000 messages, at the shipped durability level (WAL, synchronous=FULL). Beside ours, in the
 * same run and on the same disk: plain JDBC inserts at 100 rows per transaction, and the sqlite3 command
 * line tool doing the same (if installed). Medians of several runs.
 */
@Command(name = "store",
        description = "store-and-forward queue: appends/s (single writer, group commit), drain/s, size per 100k; peers: raw SQLite")
public final class StoreBenchmark implements Benchmark {
    private static final int PAYLOAD = 256;
    private static final String TOPIC = "tidegate/gw-zj-0001/telemetry/wl-001";

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "timed runs per figure (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "3",
            description = "seconds per timed run (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "64",
            description = "appenders for the group-commit figure (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where the queues are made (default: the temporary directory)")
    Path dir;

    @Option(names = "--synchronous", paramLabel = "FULL|EXTRA|NORMAL", defaultValue = "FULL",
            description = "SQLite synchronous mode (default ${DEFAULT-VALUE})")
    String synchronous;

    @Option(names = "--size-messages", paramLabel = "N", defaultValue = "100000",
            description = "messages for the size figure (default ${DEFAULT-VALUE})")
    int sizeMessages;

    @Override
    public int measure(PrintStream out) throws Exception {
        Synchronous sync = Synchronous.parse(synchronous);
        Path base = dir == null ? Files.createTempDirectory("tidegate-bench-store")
                : Files.createDirectories(dir.resolve("tidegate-bench-store-" + System.nanoTime()));
        boolean sqlite3 = onPath("sqlite3");
        out.printf("bench store: %d-byte messages, WAL, synchronous=%s, %d run(s) of %d s, %d appenders for group commit,"
                + " dir %s, load average %s%n", PAYLOAD, sync, runs, seconds, threads, base, loadAverage());

        double[] single = new double[runs];
        double[] group = new double[runs];
        double[] perCommit = new double[runs];
        double[] group4 = new double[runs];
        double[] group4PerCommit = new double[runs];
        double[] pipelined = new double[runs];
        double[] pipelinedPerCommit = new double[runs];
        double[] drain32 = new double[runs];
        double[] drain256 = new double[runs];
        double[] rawJdbc = new double[runs];
        double[] rawCli = new double[runs];
        try {
            for (int r = 0; r < runs; r++) {
                Path dir = Files.createDirectories(base.resolve("run" + r));
                single[r] = appendRate(dir.resolve("single.db"), sync, 1, seconds, null);
                double[] commitInfo = new double[1];
                group[r] = appendRate(dir.resolve("group.db"), sync, threads, seconds, commitInfo);
                perCommit[r] = commitInfo[0];
                double[] commit4Info = new double[1];
                group4[r] = appendRate(dir.resolve("group4.db"), sync, threads * 4, seconds, commit4Info);
                group4PerCommit[r] = commit4Info[0];
                double[] pipeInfo = new double[1];
                pipelined[r] = pipelinedRate(dir.resolve("pipelined.db"), sync, PIPELINE_THREADS, PIPELINE_DEPTH,
                        seconds, pipeInfo);
                pipelinedPerCommit[r] = pipeInfo[0];
                drain32[r] = drainRate(dir.resolve("group.db"), sync, 32);
                long rawRows = Math.max(10_000, Math.round(group[r] * seconds));
                rawJdbc[r] = rawJdbcRate(dir.resolve("raw-jdbc.db"), sync, seconds);
                rawCli[r] = sqlite3 ? rawCliRate(dir.resolve("raw-cli.db"), dir.resolve("raw-cli.sql"), sync, rawRows)
                        : Double.NaN;
                drain256[r] = drainRate(dir.resolve("group4.db"), sync, 256);
                out.printf("  run %d: single %.0f/s, group %.0f/s (%.1f appends/commit, x%.2f raw JDBC), group x%d %.0f/s"
                        + " (%.1f appends/commit, x%.2f raw JDBC), drain %.0f/s"
                        + " (take 32), %.0f/s (take 256), raw JDBC %.0f rows/s, sqlite3 %.0f rows/s; pipelined (%d threads"
                        + " x %d appendAsync) %.0f/s (%.1f appends/commit, x%.2f raw JDBC)%n", r + 1, single[r],
                        group[r], perCommit[r], group[r] / rawJdbc[r], threads * 4, group4[r], group4PerCommit[r],
                        group4[r] / rawJdbc[r], drain32[r], drain256[r], rawJdbc[r], rawCli[r],
                        PIPELINE_THREADS, PIPELINE_DEPTH, pipelined[r], pipelinedPerCommit[r], pipelined[r] / rawJdbc[r]);
                deleteTree(dir);
            }
            long size = sizePer(base.resolve("size.db"), sync, sizeMessages, threads);

            BenchReport report = new BenchReport("store");
            report.put("payloadBytes", PAYLOAD).put("synchronous", sync.name()).put("runs", runs)
                    .put("groupThreads", threads).put("loadAverage", loadAverage());
            out.println("medians:");
            report.put(out, "singleWriterAppendsPerSecond", "appends/s, single writer (durable on return)",
                    BenchReport.median(single), "msg/s");
            report.put(out, "groupCommitAppendsPerSecond", "appends/s, " + threads + " appenders, group commit",
                    BenchReport.median(group), "msg/s");
            report.put(out, "groupCommitAppendsPerCommit", "appends sharing one commit (fsync)",
                    BenchReport.median(perCommit), "msg");
            report.put(out, "groupCommitAppendsPerSecondX4", "appends/s, " + (threads * 4) + " appenders, group commit",
                    BenchReport.median(group4), "msg/s");
            report.put(out, "pipelinedAppendsPerSecond", "appends/s, " + PIPELINE_THREADS + " threads x "
                    + PIPELINE_DEPTH + " appendAsync in flight",
                    BenchReport.median(pipelined), "msg/s");
            report.put(out, "pipelinedAppendsPerCommit", "pipelined appends sharing one commit",
                    BenchReport.median(pipelinedPerCommit), "msg");
            double[] ratio = new double[runs];
            for (int i = 0; i < runs; i++) {
                ratio[i] = pipelined[i] / rawJdbc[i];
            }
            report.put(out, "pipelinedToRawJdbc", "pipelined / raw JDBC (median of per-run ratios)",
                    BenchReport.median(ratio), "x");
            double[] ratioGroup = new double[runs];
            double[] ratioGroup4 = new double[runs];
            for (int i = 0; i < runs; i++) {
                ratioGroup[i] = group[i] / rawJdbc[i];
                ratioGroup4[i] = group4[i] / rawJdbc[i];
            }
            report.put(out, "groupCommitToRawJdbc", threads + " appenders / raw JDBC (per-run ratios)",
                    BenchReport.median(ratioGroup), "x");
            report.put(out, "groupCommitX4ToRawJdbc", (threads * 4)
                    + " appenders / raw JDBC (per-run ratios)", BenchReport.median(ratioGroup4), "x");
            report.put(out, "drainPerSecondTake32", "drained (take 32 + acknowledge)", BenchReport.median(drain32), "msg/s");
            report.put(out, "drainPerSecondTake256", "drained (take 256 + acknowledge)", BenchReport.median(drain256), "msg/s");
            report.put(out, "rawJdbcRowsPerSecond", "peer: raw JDBC inserts, 100 rows/commit", BenchReport.median(rawJdbc),
                    "rows/s");
            if (sqlite3) {
                report.put(out, "rawSqlite3RowsPerSecond", "peer: sqlite3 CLI inserts, 100 rows/commit",
                        BenchReport.median(rawCli), "rows/s");
            } else {
                out.println("  (sqlite3 not installed: apt-get install sqlite3 for the CLI peer figure)");
            }
            report.put(out, "databaseBytesPer100k", "database size per 100 000 messages", size * 100_000d / sizeMessages,
                    "bytes");
            report.printJson(out);
            return 0;
        } finally {
            deleteTree(base);
        }
    }

    /** Appenders append for {@code seconds}; every append waits for its commit. @return appends/s */
    /** Pipelined appenders: how the outbox and the pipeline append (few threads, many commits in flight). */
    static final int PIPELINE_THREADS = 2;
    static final int PIPELINE_DEPTH = 256;

    /** What one appender thread does until {@code stop}; {@code seq} is its own sequence range's start. */
    @FunctionalInterface
    private interface Appender {
        void run(SqliteQueue q, byte[] payload, long seq, AtomicBoolean stop, AtomicLong count, AtomicLong failed)
                throws Exception;
    }

    /**
     * {@code threads} appenders each keeping {@code depth} {@link SqliteQueue#appendAsync} outstanding; an append
     * counts when its future completes (committed and synced, exactly as a returned {@code append}).
     */
    private static double pipelinedRate(Path db, Synchronous sync, int threads, int depth, int seconds,
                                        double[] perCommit) throws Exception {
        return appendersRate(db, sync, threads, seconds, perCommit, (q, payload, seq, stop, count, failed) -> {
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(depth);
            while (!stop.get()) {
                window.acquire();
                q.appendAsync(TOPIC, (int) (seq % 10), seq++, System.currentTimeMillis(), payload)
                        .whenComplete((id, e) -> {
                            window.release();
                            (e == null ? count : failed).incrementAndGet();
                        });
            }
            window.acquire(depth); // every outstanding append settled
        });
    }

    /** {@code threads} appenders, each waiting for its append to return (durable) before the next. */
    private static double appendRate(Path db, Synchronous sync, int threads, int seconds, double[] perCommit)
            throws Exception {
        return appendersRate(db, sync, threads, seconds, perCommit, (q, payload, seq, stop, count, failed) -> {
            while (!stop.get()) {
                q.append(TOPIC, (int) (seq % 10), seq++, System.currentTimeMillis(), payload);
                count.incrementAndGet();
            }
        });
    }

    /**
     * Runs {@code threads} appenders for {@code seconds} on a new queue after a warm-up (JIT, first pages) outside
     * the timed window. @return appends/s; {@code perCommit[0]}, if given: appends per commit (fsync)
     */
    private static double appendersRate(Path db, Synchronous sync, int threads, int seconds, double[] perCommit,
                                        Appender appender) throws Exception {
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db).withSynchronous(sync))) {
            byte[] payload = new byte[PAYLOAD];
            new java.util.Random(1).nextBytes(payload);
            for (int i = 0; i < 50; i++) {
                q.append(TOPIC, 4, -i, System.currentTimeMillis(), payload);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong count = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            CountDownLatch done = new CountDownLatch(threads);
            List<Thread> ts = new ArrayList<>();
            long commits0 = q.commitCount();
            for (int t = 0; t < threads; t++) {
                long firstSeq = t * 1_000_000_000L;
                ts.add(new Thread(() -> {
                    try {
                        appender.run(q, payload, firstSeq, stop, count, failed);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        e.printStackTrace();
                    } finally {
                        done.countDown();
                    }
                }));
            }
            long t0 = System.nanoTime();
            ts.forEach(Thread::start);
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            done.await(60, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " appends failed");
            }
            if (perCommit != null) {
                perCommit[0] = count.get() / (double) Math.max(1, q.commitCount() - commits0);
            }
            return count.get() / elapsed;
        }
    }

    /** Drains the whole queue in {@code db}: take, then acknowledge the batch. @return messages/s */
    private static double drainRate(Path db, Synchronous sync, int take) throws Exception {
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db).withSynchronous(sync))) {
            long n = 0;
            long t0 = System.nanoTime();
            for (List<StoredMessage> b; !(b = q.takeBatch(take)).isEmpty(); ) {
                List<Long> ids = new ArrayList<>(b.size());
                for (StoredMessage m : b) {
                    ids.add(m.id());
                }
                q.acknowledge(ids);
                n += b.size();
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** The peer: a plain JDBC loop, same schema and settings, 100 rows per transaction. @return rows/s */
    private static double rawJdbcRate(Path db, Synchronous sync, int seconds) throws SQLException {
        try (Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + db, new java.util.Properties());
             Statement st = c.createStatement()) {
            st.execute("PRAGMA locking_mode=EXCLUSIVE");
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=" + sync.name());
            createPeerSchema(st);
            byte[] payload = new byte[PAYLOAD];
            long rows = 0;
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            try (PreparedStatement ins = c.prepareStatement(INSERT)) {
                while (System.nanoTime() < end) {
                    st.execute("BEGIN IMMEDIATE");
                    for (int i = 0; i < 100; i++) {
                        ins.setInt(1, (int) (rows % 10));
                        ins.setLong(2, rows);
                        ins.setLong(3, System.currentTimeMillis());
                        ins.setInt(4, PAYLOAD + TOPIC.length());
                        ins.setString(5, TOPIC);
                        ins.setBytes(6, payload);
                        ins.executeUpdate();
                        rows++;
                    }
                    st.execute("COMMIT");
                }
            }
            return rows / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** The peer: the sqlite3 C tool running the same inserts from a script. @return rows/s */
    private static double rawCliRate(Path db, Path script, Synchronous sync, long rows) throws Exception {
        try (Writer w = Files.newBufferedWriter(script, StandardCharsets.US_ASCII)) {
            w.write("PRAGMA locking_mode=EXCLUSIVE;\nPRAGMA journal_mode=WAL;\nPRAGMA synchronous=" + sync.name() + ";\n");
            for (String ddl : SCHEMA) {
                w.write(ddl + ";\n");
            }
            for (long i = 0; i < rows; ) {
                w.write("BEGIN IMMEDIATE;\n");
                for (int k = 0; k < 100; k++, i++) {
                    w.write("INSERT INTO message (priority, sequence, created_at, attempts, size, topic, payload) VALUES ("
                            + (i % 10) + "," + i + "," + (1_760_000_000_000L + i) + ",0," + (PAYLOAD + TOPIC.length())
                            + ",'" + TOPIC + "',randomblob(" + PAYLOAD + "));\n");
                }
                w.write("COMMIT;\n");
            }
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sqlite3", db.toString()).redirectInput(script.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return Double.NaN;
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return (rows / 100 * 100) / elapsed;
    }

    /** Database bytes for {@code messages} appended messages (after the closing checkpoint). */
    private static long sizePer(Path db, Synchronous sync, int messages, int threads) throws Exception {
        try (SqliteQueue q = SqliteQueue.open(QueueOptions.defaults(db).withSynchronous(sync))) {
            byte[] payload = new byte[PAYLOAD];
            AtomicLong next = new AtomicLong();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(new Thread(() -> {
                    try {
                        for (long s; (s = next.getAndIncrement()) < messages; ) {
                            q.append(TOPIC, (int) (s % 10), s, System.currentTimeMillis(), payload);
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }));
            }
            ts.forEach(Thread::start);
            for (Thread t : ts) {
                t.join();
            }
        }
        // Closing the last connection checkpoints the WAL into the database file and removes it.
        long size = Files.size(db);
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        return size + (Files.exists(wal) ? Files.size(wal) : 0);
    }

    /**
     * The queue's table and both its indexes: a peer must maintain the same indexes or it does less work per row.
     * One statement per element: the JDBC driver runs only the first statement of a string (before round 5 the peer
     * got one string, so it had no index and inserted about twice as fast as a queue can).
     * {@code StoreBenchmarkPeerSchemaTest} compares it with the schema {@link SqliteQueue} makes.
     */
    static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            + " priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 9), sequence INTEGER NOT NULL,"
            + " created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, size INTEGER NOT NULL,"
            + " topic TEXT NOT NULL, payload BLOB NOT NULL)",
            "CREATE INDEX IF NOT EXISTS message_by_priority ON message(priority, id)",
            "CREATE INDEX IF NOT EXISTS message_by_created ON message(created_at)");

    /** Makes {@link #SCHEMA} in the peer's database, one statement at a time. */
    static void createPeerSchema(Statement st) throws SQLException {
        for (String ddl : SCHEMA) {
            st.execute(ddl);
        }
    }
    private static final String INSERT = "INSERT INTO message (priority, sequence, created_at, attempts, size, topic,"
            + " payload) VALUES (?, ?, ?, 0, ?, ?, ?)";

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort for a temporary directory
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
