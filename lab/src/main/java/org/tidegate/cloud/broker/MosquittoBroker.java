package org.tidegate.cloud.broker;

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
 * A local mosquitto process with a configuration file of its own, listening on one loopback port, with its
 * persistence database, log file and configuration under a working directory. Started as root it keeps running
 * as root ({@code user root}), so key files made by a test need no special permissions.
 *
 * <p>{@link #stop()} sends SIGTERM, so mosquitto saves its database: a {@link #start()} afterwards restores
 * persistent sessions and retained messages. {@link #wipe()} deletes that database.
 */
public final class MosquittoBroker implements LabBroker {
    private final Path dir;
    private final int port;
    private Path caFile;
    private Path certFile;
    private Path keyFile;
    private boolean requireClientCertificate;
    private String user;
    private String password;
    private Process process;

    /** A broker on a free loopback port, keeping its files in {@code workDir}. Call {@link #start()}. */
    public MosquittoBroker(Path workDir) throws IOException {
        this(workDir, EmbeddedBroker.freePort());
    }

    public MosquittoBroker(Path workDir, int port) throws IOException {
        this.dir = workDir.toAbsolutePath();
        this.port = port;
        Files.createDirectories(dir.resolve("db"));
    }

    /** Makes the listener TLS ({@code ssl://}); a client certificate is checked against {@code ca} if given. */
    public MosquittoBroker withTls(Path ca, Path serverCert, Path serverKey, boolean requireClientCertificate) {
        this.caFile = ca.toAbsolutePath();
        this.certFile = serverCert.toAbsolutePath();
        this.keyFile = serverKey.toAbsolutePath();
        this.requireClientCertificate = requireClientCertificate;
        return this;
    }

    /** Refuses anonymous clients; only this user with this password may connect. */
    public MosquittoBroker withUser(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** True if the {@code mosquitto} binary is on the PATH (or in /usr/sbin, where Debian puts it). */
    public static boolean installed() {
        return binary() != null;
    }

    private static String binary() {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of(path == null ? new String[0] : path.split(":")));
        dirs.add("/usr/sbin");
        for (String d : dirs) {
            Path p = Path.of(d, "mosquitto");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** The version line of {@code mosquitto -h}, e.g. {@code mosquitto 2.0.11}. */
    @Override
    public String describe() {
        String bin = binary();
        if (bin == null) {
            return "mosquitto (not installed)";
        }
        try {
            Process p = new ProcessBuilder(bin, "-h").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElse("mosquitto");
            p.waitFor(5, TimeUnit.SECONDS);
            return first.replace("version ", "").trim();
        } catch (IOException | InterruptedException e) {
            return "mosquitto";
        }
    }

    @Override
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        String bin = binary();
        if (bin == null) {
            throw new IOException("mosquitto is not installed (Debian: apt-get install mosquitto)");
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, config());
        process = new ProcessBuilder(bin, "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + " at start: " + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Logger.info("mosquitto listening on {} (pid {})", url(), process.pid());
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException("mosquitto did not listen on port " + port + " within 15 s: " + tail());
    }

    private String config() throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("# written by tidegate's MosquittoBroker\n");
        c.append("user root\n");
        c.append("persistence true\n");
        c.append("persistence_location ").append(dir.resolve("db")).append("/\n");
        c.append("autosave_interval 0\n");
        c.append("log_dest file ").append(dir.resolve("mosquitto.log")).append('\n');
        c.append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
        c.append("connection_messages true\n");
        c.append("max_queued_messages 0\nmax_inflight_messages 0\n");
        c.append("listener ").append(port).append(" 127.0.0.1\n");
        if (user != null) {
            Path passwords = dir.resolve("passwords");
            Files.deleteIfExists(passwords);
            Process p = new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), user, password)
                    .redirectErrorStream(true).start();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("mosquitto_passwd failed: "
                            + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing the password file", e);
            }
            c.append("allow_anonymous false\npassword_file ").append(passwords).append('\n');
        } else {
            c.append("allow_anonymous true\n");
        }
        if (certFile != null) {
            c.append("cafile ").append(caFile).append('\n');
            c.append("certfile ").append(certFile).append('\n');
            c.append("keyfile ").append(keyFile).append('\n');
            c.append("require_certificate ").append(requireClientCertificate).append('\n');
        }
        return c.toString();
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: mosquitto writes its database and exits
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Logger.info("mosquitto on port {} stopped", port);
        process = null;
    }

    /** SIGKILL: no database save, connections drop without a DISCONNECT. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** SIGSTOP: the broker keeps its connections but answers nothing (no PUBACK) until {@link #resume()}. */
    public synchronized void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        if (process == null) {
            throw new IllegalStateException("mosquitto is not running");
        }
        Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill " + sig + " " + process.pid() + " failed");
        }
    }

    @Override
    public synchronized void wipe() throws IOException, InterruptedException {
        stop();
        Path db = dir.resolve("db");
        try (Stream<Path> files = Files.walk(db)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(db)).forEach(p -> p.toFile().delete());
        }
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** The broker's own log file (connections, refusals, TLS errors). */
    public Path logFile() {
        return dir.resolve("mosquitto.log");
    }

    /** The last lines of the broker's log, for error messages. */
    public String tail() {
        try {
            List<String> lines = new ArrayList<>();
            for (Path p : List.of(dir.resolve("mosquitto.out"), logFile())) {
                if (Files.exists(p)) {
                    lines.addAll(Files.readAllLines(p));
                }
            }
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String url() {
        return (certFile != null ? "ssl://" : "tcp://") + "127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
