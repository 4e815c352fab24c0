package org.tidegate.lab.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * A private PostgreSQL cluster for one test or benchmark: {@code initdb} into a fresh directory, {@code pg_ctl start}
 * on a free loopback port (and a Unix socket in the same directory), trust authentication for the user
 * {@value #USER}, the database {@value #DATABASE}. {@link #close()} stops it and deletes the directory.
 *
 * <p>{@code initdb} refuses to run as root. Run by root, every PostgreSQL program runs through {@code runuser -u}
 * as the system user {@code postgres} (Debian's package creates it) or, where there is none, as the system user
 * {@value #FALLBACK_OS_USER}, created here with {@code useradd}. The directory is made under {@code java.io.tmpdir}
 * (not under a JUnit {@code @TempDir}, which only root may enter) and handed to that user.
 *
 * <p>Binaries: {@code $TIDEGATE_PG_BIN} if set, else the newest {@code /usr/lib/postgresql/N/bin} (Debian), else
 * {@code initdb} on the PATH.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "tidegate";
    /** The database initdb makes: no psql needed to create another (embedded binary trees have no psql). */
    public static final String DATABASE = "postgres";
    static final String FALLBACK_OS_USER = "tidegate-pg";

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String osUser;
    private final boolean fsync;
    private boolean running;

    private PostgresCluster(Path bin, Path dir, int port, String osUser, boolean fsync) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.osUser = osUser;
        this.fsync = fsync;
    }

    /** True if initdb, pg_ctl and postgres were found. */
    public static boolean installed() {
        return binDir() != null;
    }

    /** Where initdb, pg_ctl, postgres and psql are, or null. */
    public static Path binDir() {
        String env = System.getenv("TIDEGATE_PG_BIN");
        if (env != null && !env.isEmpty()) {
            return complete(Path.of(env)) ? Path.of(env) : null;
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path best = versions.map(v -> v.resolve("bin")).filter(PostgresCluster::complete)
                        .max(Comparator.comparingInt(PostgresCluster::majorOf)).orElse(null);
                if (best != null) {
                    return best;
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        String path = System.getenv("PATH");
        for (String d : path == null ? new String[0] : path.split(":")) {
            if (complete(Path.of(d))) {
                return Path.of(d);
            }
        }
        return null;
    }

    private static boolean complete(Path d) {
        return Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl"))
                && Files.isExecutable(d.resolve("postgres"));
    }

    private static int majorOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A durable cluster (fsync on): what a benchmark of durable writes needs. */
    public static PostgresCluster start() throws IOException, InterruptedException {
        return start(true);
    }

    /**
     * Creates, starts and waits for a cluster.
     *
     * @param fsync false for tests that do not measure durability (faster on a shared disk)
     */
    public static PostgresCluster start(boolean fsync) throws IOException, InterruptedException {
        Path bin = binDir();
        if (bin == null) {
            throw new IOException("PostgreSQL is not installed (Debian: apt-get install postgresql; or set"
                    + " TIDEGATE_PG_BIN to the directory holding initdb, pg_ctl and postgres)");
        }
        String osUser = isRoot() ? systemUser() : null;
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tidegate-pg-");
        PostgresCluster c = new PostgresCluster(bin, dir, freePort(), osUser, fsync);
        try {
            c.init();
            c.startServer();
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String systemUser() throws IOException, InterruptedException {
        for (String candidate : List.of("postgres", FALLBACK_OS_USER)) {
            if (exec(List.of("id", "-u", candidate), 10).exit == 0) {
                return candidate;
            }
        }
        Result r = exec(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                FALLBACK_OS_USER), 30);
        if (r.exit != 0) {
            throw new IOException("initdb refuses root and no user postgres exists; useradd " + FALLBACK_OS_USER
                    + " failed: " + r.output);
        }
        return FALLBACK_OS_USER;
    }

    private void init() throws IOException, InterruptedException {
        if (osUser != null) {
            must(exec(List.of("chown", osUser, dir.toString()), 10), "chown");
            must(exec(List.of("chmod", "700", dir.toString()), 10), "chmod");
        }
        must(run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", USER, "--auth=trust",
                "-E", "UTF8", "--no-locale", "--no-sync"), 120), "initdb");
    }

    private void startServer() throws IOException, InterruptedException {
        String opts = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                + " -c fsync=" + (fsync ? "on" : "off") + (fsync ? "" : " -c synchronous_commit=off")
                + " -c max_connections=50 -c shared_buffers=128MB -c max_wal_size=1GB";
        must(run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log")
                .toString(), "-o", opts, "-w", "-t", "60", "start"), 90), "pg_ctl start");
        running = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("PostgreSQL did not listen on port " + port + ": " + logTail());
                }
                Thread.sleep(50);
            }
        }
        Logger.info("PostgreSQL {} on 127.0.0.1:{} in {}{}", majorOf(bin), port, dir,
                osUser == null ? "" : " (as user " + osUser + ")");
    }

    /** Runs SQL through psql and returns its unaligned, tuples-only output. */
    public String psql(String sql) throws IOException, InterruptedException {
        return psql(DATABASE, sql);
    }

    private String psql(String database, String sql) throws IOException, InterruptedException {
        Result r = run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", database, "-c", sql), 600);
        must(r, "psql");
        return r.output.trim();
    }

    /** The postmaster's process id (first line of postmaster.pid), for CPU accounting; -1 if not running. */
    public long serverPid() {
        try {
            return Long.parseLong(Files.readAllLines(data().resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The psql program beside the server, for peers that run it directly. */
    public Path psqlBinary() {
        return bin.resolve("psql");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
    }

    public int port() {
        return port;
    }

    public String describe() {
        return "PostgreSQL " + majorOf(bin) + " (" + bin + ")";
    }

    /** Fast shutdown; {@link #restart()} brings it back with the same data. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        Result r = run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w",
                "-t", "60", "stop"), 90);
        if (r.exit != 0) {
            Logger.warn("pg_ctl stop: {}", r.output);
        }
    }

    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        startServer();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        try {
            stop();
        } finally {
            exec(List.of("rm", "-rf", dir.toString()), 60);
        }
    }

    /** The last lines of the server log, for error messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (osUser != null) {
            full.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        full.addAll(command);
        return exec(full, timeoutSeconds);
    }

    private record Result(int exit, String output) {
    }

    private static Result exec(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tidegate-pg-exec", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .directory(Path.of("/").toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, String.join(" ", command) + " timed out after " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private void must(Result r, String what) throws IOException {
        if (r.exit != 0) {
            throw new IOException(what + " failed (exit " + r.exit + "): " + r.output.trim()
                    + (what.startsWith("pg_ctl") ? "\n" + logTail() : ""));
        }
    }
}
