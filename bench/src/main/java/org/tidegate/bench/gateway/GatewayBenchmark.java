package org.tidegate.bench.gateway;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.core.cli.Args;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.demo.DemoHome;
import org.tidegate.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench gateway}: the whole gateway as a separate JVM ({@code tidegate run}) with 20 Modbus
 * TCP power meters of 10 channels each (200 channels) polling every second against the simulator, publishing
 * to a broker in this process. Measures start-up to the first published message, resident memory (VmRSS)
 * once settled, and the delivered message rate; runs at {@code -Xmx64m}, then looks for the heap floor.
 */
@Command(name = "gateway", description = {
        "start-up, RSS and rate: 20 devices / 200 channels at 1 s, -Xmx64m, heap floor; with --samples-per-second N:"
                + " throughput of the whole gateway (samples/s verified, CPU, RSS, depth, wire bytes, alarm latency)",
        "", "Without --samples-per-second: start-up, RSS and rate at -Xmx64m, then the heap floor (--devices, --runs,",
        "--settle, --measure, --no-floor). With it: the throughput run (the other options)."})
public final class GatewayBenchmark implements Benchmark {
    record Run(int heapMb, boolean ok, double startupMs, double rssMb, double messagesPerSecond, String note) {
    }

    @Option(names = "--samples-per-second", paramLabel = "N",
            description = "run the throughput benchmark at this sample rate (e.g. 100000) instead of start-up/RSS")
    Integer samplesPerSecond;

    @Option(names = "--devices", paramLabel = "N",
            description = "Modbus TCP devices (default 20; 50 with --samples-per-second)")
    Integer devices;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "runs per figure (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "20",
            description = "seconds after start before measuring (default ${DEFAULT-VALUE})")
    int settle;

    @Option(names = "--measure", paramLabel = "SECONDS", defaultValue = "15",
            description = "seconds of each start-up/RSS measurement (default ${DEFAULT-VALUE})")
    int measure;

    @Option(names = "--no-floor", description = "skip the heap floor probes (start-up/RSS run)")
    boolean noFloor;

    @Option(names = "--channels", paramLabel = "N", defaultValue = "100",
            description = "float32 channels per device, throughput run (default ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--batch-polls", paramLabel = "N", defaultValue = "10",
            description = "polls per telemetry message, throughput run (default ${DEFAULT-VALUE})")
    int batchPolls;

    @Option(names = "--body", paramLabel = "compact|json", defaultValue = "compact",
            description = "telemetry body encoding, throughput run (default ${DEFAULT-VALUE})")
    String body;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "60",
            description = "seconds measured per throughput run (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "0",
            description = "sealed 100-channel messages stored before the gateway starts, drained while live data flows"
                    + " (default ${DEFAULT-VALUE})")
    int backlog;

    @Option(names = "--heap", paramLabel = "MB", defaultValue = "64",
            description = "gateway -Xmx in MB, throughput run (default ${DEFAULT-VALUE})")
    int heap;

    @Option(names = "--inflight", paramLabel = "N", defaultValue = "128",
            description = "the uplink's QoS 1 messages in flight, throughput run (default ${DEFAULT-VALUE})")
    int inflight;

    @Option(names = "--jvm", paramLabel = "OPTIONS", defaultValue = "",
            description = "more gateway JVM options as one argument, after bin/tidegate's own, throughput run")
    String jvm;

    @Option(names = "--console", paramLabel = "on|off", defaultValue = "on",
            description = "the gateway's web console, throughput run (default ${DEFAULT-VALUE})")
    String console;

    @Option(names = "--keep-logs", paramLabel = "DIR",
            description = "copy each throughput run's gateway log to DIR/run-N.log (each alarm's raise, submit and"
                    + " PUBACK lines are there, with their times)")
    java.nio.file.Path keepLogs;

    @Override
    public int measure(PrintStream out) throws Exception {
        if (samplesPerSecond != null) {
            if (!body.equals("compact") && !body.equals("json")) {
                throw new Args.UsageException("--body: compact or json, got " + body);
            }
            if (!console.equals("on") && !console.equals("off")) {
                throw new Args.UsageException("--console: on or off, got " + console);
            }
            return new GatewayThroughput(new GatewayThroughput.Options(samplesPerSecond,
                    devices != null ? devices : 50, channels, batchPolls,
                    body.equals("compact"), seconds, settle,
                    backlog, heap, inflight,
                    runs, List.of(jvm.trim().split("\\s+")), console.equals("on"), keepLogs), out)
                    .run();
        }
        int devices = this.devices != null ? this.devices : 20;
        out.printf("%d devices x 10 channels, poll 1 s; gateway JVM -XX:+UseSerialGC; %d runs at -Xmx64m%n", devices, runs);

        List<Run> main = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run r = once(64, devices, settle, measure);
            main.add(r);
            out.printf("  run %d at 64 MB: %s  start-up to first message %.0f ms, RSS %.1f MB, %.1f msg/s %s%n", i + 1,
                    r.ok ? "ok" : "FAILED", r.startupMs, r.rssMb, r.messagesPerSecond, r.note);
        }
        BenchReport report = new BenchReport("gateway");
        report.put("devices", devices).put("channels", devices * 10).put("heapMb", 64);
        out.println();
        report.put(out, "startup_to_first_message_ms_median", "start-up to first message (median)",
                BenchReport.median(main.stream().mapToDouble(Run::startupMs).toArray()), "ms");
        report.put(out, "rss_mb_median", "resident memory, settled (median)",
                BenchReport.median(main.stream().mapToDouble(Run::rssMb).toArray()), "MB");
        report.put(out, "messages_per_second_median", "telemetry delivered (median)",
                BenchReport.median(main.stream().mapToDouble(Run::messagesPerSecond).toArray()), "msg/s");
        report.put("expected_messages_per_second", devices);
        if (!noFloor) {
            int floor = 64;
            for (int heap : new int[] {48, 32, 24, 16, 12}) {
                Run r = once(heap, devices, settle / 2, measure);
                out.printf("  floor probe -Xmx%dm: %s (%.1f msg/s of %d expected, RSS %.1f MB) %s%n", heap,
                        r.ok ? "ok" : "fails", r.messagesPerSecond, devices, r.rssMb, r.note);
                if (!r.ok) {
                    break;
                }
                floor = heap;
            }
            report.put(out, "heap_floor_mb", "smallest -Xmx that keeps the full rate", floor, "MB");
        }
        report.printJson(out);
        return 0;
    }

    private Run once(int heapMb, int devices, int settleSeconds, int measureSeconds) throws Exception {
        Path home = Files.createTempDirectory("tidegate-bench-gw-");
        try (Simulator sim = new Simulator(1.0)) {
            int port = sim.startTcp("127.0.0.1", 0);
            EmbeddedBroker broker = EmbeddedBroker.startOnFreePort();
            try {
                DemoHome demo = DemoHome.create(home, broker.url());
                for (int i = 1; i <= devices; i++) {
                    demo.powerMeter(String.format("pm-%03d", i), "127.0.0.1", port, 1000);
                }
                AtomicLong firstAt = new AtomicLong();
                AtomicLong telemetry = new AtomicLong();
                EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(),
                        TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey()))
                        .duplicateFilter(new DuplicateFilter()).build();
                try (CloudReceiver receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "bench-cloud"), "tidegate",
                        opener, new CloudReceiver.Listener() {
                            @Override
                            public void accepted(Received m) {
                                if (m.opened().contentType() == ContentType.TELEMETRY) {
                                    firstAt.compareAndSet(0, System.nanoTime());
                                    telemetry.incrementAndGet();
                                }
                            }

                            @Override
                            public void refused(Refused m) {
                            }
                        }, 500)) {
                    receiver.start();
                    receiver.awaitSubscribed(10, TimeUnit.SECONDS);
                    long t0 = System.nanoTime();
                    Process p = GatewayJvm.run(heapMb, List.of(), List.of("--home", home.toString(), "--log-level", "warn",
                                    "--scan-seconds", "0")).redirectErrorStream(true)
                            .redirectOutput(home.resolve("gateway.out").toFile()).start();
                    try {
                        long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
                        while (firstAt.get() == 0 && p.isAlive() && System.nanoTime() < deadline) {
                            Thread.sleep(20);
                        }
                        if (firstAt.get() == 0) {
                            return new Run(heapMb, false, Double.NaN, Double.NaN, 0, tail(home.resolve("gateway.out")));
                        }
                        double startup = (firstAt.get() - t0) / 1e6;
                        Thread.sleep(settleSeconds * 1000L);
                        long n0 = telemetry.get();
                        long m0 = System.nanoTime();
                        double[] rss = new double[measureSeconds];
                        for (int i = 0; i < measureSeconds && p.isAlive(); i++) {
                            Thread.sleep(1000);
                            rss[i] = rssMb(p.pid());
                        }
                        double rate = (telemetry.get() - n0) / ((System.nanoTime() - m0) / 1e9);
                        boolean ok = p.isAlive() && rate >= 0.9 * devices;
                        return new Run(heapMb, ok, startup, BenchReport.median(rss), rate,
                                p.isAlive() ? "" : "(gateway exited: " + tail(home.resolve("gateway.out")) + ")");
                    } finally {
                        p.destroy();
                        if (!p.waitFor(30, TimeUnit.SECONDS)) {
                            p.destroyForcibly();
                        }
                    }
                }
            } finally {
                broker.stop();
            }
        } finally {
            deleteTree(home.toFile());
        }
    }

    private static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }
}
