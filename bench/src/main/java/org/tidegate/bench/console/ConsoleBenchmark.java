package org.tidegate.bench.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.demo.DemoHome;
import org.tidegate.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench console}: what the local console costs in resident memory. The gateway runs as its own
 * JVM ({@code tidegate run}, -Xmx128m -XX:+UseSerialGC as bin/tidegate starts it) on the demo site's five devices
 * against the simulator, alternately with {@code console.enabled=false} (the peer: the same gateway without it)
 * and with the console on and read like an open page (overview, devices, charts and /metrics once a second with
 * the local API key); VmRSS is sampled once a second after the settle time. Prints both medians, the difference and
 * the ratio (issue 18's budget: at most 20 MB more).
 */
@Command(name = "console",
        description = "RSS of the gateway with the web console on and read every second vs. off (demo site, -Xmx128m)")
public final class ConsoleBenchmark implements Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "alternating off/on pairs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "30",
            description = "seconds after start before RSS is sampled (default ${DEFAULT-VALUE})")
    int settle;

    @Option(names = "--measure", paramLabel = "SECONDS", defaultValue = "20",
            description = "seconds RSS is sampled, once a second (default ${DEFAULT-VALUE})")
    int measure;

    @Option(names = "--pretouch",
            description = "start both gateways with -XX:+AlwaysPreTouch (the whole heap resident)")
    boolean pretouch;

    @Override
    public int measure(PrintStream out) throws Exception {
        // With the whole heap touched at start (-XX:+AlwaysPreTouch) both JVMs hold the same 128 MB of heap resident,
        // so the difference is what the console adds outside the heap's bound (code, classes, threads).
        out.printf("demo site (5 devices), gateway JVM -Xmx128m -XX:+UseSerialGC%s; %d runs each, settle %d s, measure %d s%n",
                pretouch ? " -XX:+AlwaysPreTouch" : "", runs, settle, measure);
        List<Double> off = new ArrayList<>();
        List<Double> on = new ArrayList<>();
        long requests = 0;
        for (int i = 0; i < runs; i++) {
            double a = once(false, settle, measure, null, pretouch);
            off.add(a);
            AtomicLong served = new AtomicLong();
            double b = once(true, settle, measure, served, pretouch);
            on.add(b);
            requests += served.get();
            out.printf("  run %d: console off %.1f MB, console on and read %.1f MB (%d API requests)%n", i + 1, a, b,
                    served.get());
        }
        double mOff = BenchReport.median(off.stream().mapToDouble(Double::doubleValue).toArray());
        double mOn = BenchReport.median(on.stream().mapToDouble(Double::doubleValue).toArray());
        BenchReport report = new BenchReport("console");
        out.println();
        report.put(out, "rss_mb_console_off_median", "RSS without the console (median)", mOff, "MB");
        report.put(out, "rss_mb_console_on_median", "RSS with the console read every second (median)", mOn, "MB");
        report.put(out, "rss_mb_growth", "growth", mOn - mOff, "MB");
        report.put(out, "rss_ratio", "ratio on/off", mOn / mOff, "x");
        report.put("budget_mb", 20).put("api_requests", requests).put("pretouch", pretouch);
        report.printJson(out);
        return 0;
    }

    private static double once(boolean console, int settleSeconds, int measureSeconds, AtomicLong served, boolean pretouch)
            throws Exception {
        Path home = Files.createTempDirectory("tidegate-bench-console-");
        try (Simulator sim = new Simulator(1.0)) {
            int modbus = sim.startTcp("127.0.0.1", 0);
            EmbeddedBroker broker = EmbeddedBroker.startOnFreePort();
            try {
                DemoHome.create(home, broker.url()).waterLevel("wl-001", "127.0.0.1", modbus, 1000)
                        .powerMeter("pm-001", "127.0.0.1", modbus, 2000).rainGauge("rain-01", "127.0.0.1", modbus, 5000)
                        .smokeAndSiren();
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                ObjectNode gw = (ObjectNode) JSON.readTree(home.resolve("gateway.json").toFile());
                gw.putObject("console").put("enabled", console).put("port", port);
                Files.writeString(home.resolve("gateway.json"), JSON.writeValueAsString(gw));
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
                if (pretouch) {
                    cmd.add("-XX:+AlwaysPreTouch");
                }
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.tidegate.launcher.Main",
                        "run", "--home", home.toString(), "--log-level", "warn"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(home.resolve("gateway.out").toFile()).start();
                Thread reader = null;
                try {
                    if (console) {
                        Path access = home.resolve("data/console-access.json");
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (!Files.exists(access) && p.isAlive() && System.nanoTime() < deadline) {
                            Thread.sleep(100);
                        }
                        if (!Files.exists(access)) {
                            throw new IOException("the console did not start: " + Files.readString(home.resolve("gateway.out")));
                        }
                        Thread.sleep(200);
                        String key = JSON.readTree(access.toFile()).path("apiKey").asText();
                        String base = "http://127.0.0.1:" + port;
                        reader = new Thread(() -> readLikeAPage(base, key, served), "bench-console-page");
                        reader.setDaemon(true);
                        reader.start();
                    }
                    Thread.sleep(settleSeconds * 1000L);
                    double[] rss = new double[measureSeconds];
                    for (int i = 0; i < measureSeconds; i++) {
                        Thread.sleep(1000);
                        if (!p.isAlive()) {
                            throw new IOException("the gateway exited: " + Files.readString(home.resolve("gateway.out")));
                        }
                        rss[i] = rssMb(p.pid());
                    }
                    return BenchReport.median(rss);
                } finally {
                    if (reader != null) {
                        reader.interrupt();
                    }
                    p.destroy();
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            } finally {
                broker.stop();
            }
        } finally {
            try (Stream<Path> s = Files.walk(home)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** What an open console page asks for every second (and a scraper's /metrics). */
    private static void readLikeAPage(String base, String key, AtomicLong served) {
        List<String> paths = List.of("/api/status", "/api/devices", "/api/series", "/api/alarms", "/metrics");
        while (!Thread.currentThread().isInterrupted()) {
            for (String path : paths) {
                try {
                    HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
                    c.setConnectTimeout(2000);
                    c.setReadTimeout(5000);
                    c.setRequestProperty("Authorization", "Bearer " + key);
                    try (InputStream in = c.getResponseCode() == 200 ? c.getInputStream() : c.getErrorStream()) {
                        if (in != null) {
                            in.readAllBytes();
                        }
                    }
                    served.incrementAndGet();
                } catch (IOException e) {
                    // the gateway is stopping
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
