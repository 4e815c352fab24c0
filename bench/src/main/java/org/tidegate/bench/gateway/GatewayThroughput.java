package org.tidegate.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tidegate.bench.BenchReport;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.core.body.CompactTelemetry;
import org.tidegate.core.model.Sample;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.demo.DemoHome;
import org.tidegate.driver.modbus.slave.RegisterBank;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Topics;
import org.tidegate.simulator.Simulator;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * {@code tidegate bench gateway --samples-per-second N}: the whole gateway (a separate JVM, exactly as
 * {@code tidegate run}) at a sample rate. Many Modbus TCP devices with many float32 channels on the simulator,
 * polled, ruled, sealed, stored durably and delivered to a local mosquitto, received and verified (signature,
 * decryption, route, duplicates) by the cloud receiver in this JVM, which counts every sample it decoded.
 *
 * <p>Optionally a stored backlog ({@code --backlog N} sealed 100-channel messages, written into the gateway's own
 * queue before it starts, as after an outage) drains while live data flows. One device also has an alarm input (a
 * holding register with a threshold rule) that this benchmark toggles twice a second: alarm latency is measured
 * from the sample time in the alarm body (the poll that saw the change) to its arrival at the receiver, and from
 * the register change itself (which adds up to one poll interval of sampling delay), separately during the drain
 * and afterwards.
 */
final class GatewayThroughput {
    static final String ALARM_DEVICE = "pm-001";
    static final String BACKLOG_DEVICE = "bl-001";
    private static final int ALARM_UNIT = 11;
    private static final int METER_UNIT = 10;

    record Options(int samplesPerSecond, int devices, int channels, int batchPolls, boolean compact, int seconds,
                   int settle, int backlog, int heapMb, int inflight, int runs, List<String> jvm, boolean console,
                   Path keepLogs) {
        int pollMs() {
            return (int) Math.max(50, Math.round(1000.0 * devices * channels / samplesPerSecond));
        }
    }

    record Result(double samplesPerSecond, double expected, double gatewayCores, double machineCores,
                  double storeDrainSeconds, double rssMb,
                  double wireBytesPerSample, double drainSeconds, double[] alarmSampledMs, double[] alarmChangeMs,
                  double[] alarmSampledDrainMs, double[] alarmSealedMs, double[] alarmPubackMs,
                  double[] alarmPubackDrainMs, long refused, String note) {
    }

    /** A meter with {@code channels} float32 input registers (ir 0, 2, …) and an alarm input at hr 0. */
    static final class WideMeter extends RegisterBank {
        private final int channels;
        private int tick;

        WideMeter(int channels) {
            super(1, 0, 2 * channels, 1);
            this.channels = channels;
            beforeRead();
        }

        @Override
        protected void beforeRead() {
            tick++;
            for (int c = 0; c < channels; c++) {
                setInputFloat(2 * c, 200f + c + (float) Math.sin((tick + c) * 0.01) * 10f);
            }
        }
    }

    private final Options o;
    private final PrintStream out;

    GatewayThroughput(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    int run() throws Exception {
        out.printf(Locale.ROOT, "gateway throughput: %d devices x %d float32 channels, poll %d ms = %,.0f samples/s"
                        + " offered; batchPolls %d, body %s, window %d, -Xmx%dm; backlog %,d messages; %d s measured after"
                        + " %d s; %d run(s); console %s; gateway: %s%n", o.devices, o.channels, o.pollMs(), offered(), o.batchPolls,
                o.compact ? "compact" : "json", o.inflight, o.heapMb, o.backlog, o.seconds, o.settle, o.runs,
                o.console ? "on (as shipped)" : "off", GatewayJvm.describe(o.heapMb, o.jvm));
        double[] formats = wireFormats();
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < o.runs; r++) {
            Result res = once(r + 1);
            results.add(res);
            out.printf(Locale.ROOT, "  run %d: %,.0f live samples/s delivered and verified (%,.0f offered), gateway %.2f"
                            + " cores (machine %.2f), RSS %.1f MB, %.2f wire bytes/sample, backlog: all at the broker after %.1f s, all verified at the receiver after %.1f s,"
                            + " alarm sampled->receiver p50 %.1f p99 %.1f ms (during drain p99 %.1f ms, n=%d),"
                            + " change->receiver p99 %.1f ms, poll->sealed (pipeline and sealing) p99 %.1f ms,"
                            + " poll->PUBACK p50 %.1f p99 %.1f ms (during drain p99 %.1f ms, n=%d), refused %d %s%n",
                    r + 1, res.samplesPerSecond, res.expected, res.gatewayCores, res.machineCores, res.rssMb,
                    res.wireBytesPerSample, res.storeDrainSeconds, res.drainSeconds, BenchReport.percentile(res.alarmSampledMs, 50),
                    BenchReport.percentile(res.alarmSampledMs, 99), BenchReport.percentile(res.alarmSampledDrainMs, 99),
                    res.alarmSampledDrainMs.length, BenchReport.percentile(res.alarmChangeMs, 99),
                    BenchReport.percentile(res.alarmSealedMs, 99), BenchReport.percentile(res.alarmPubackMs, 50),
                    BenchReport.percentile(res.alarmPubackMs, 99), BenchReport.percentile(res.alarmPubackDrainMs, 99),
                    res.alarmPubackDrainMs.length, res.refused, res.note);
        }
        BenchReport report = new BenchReport("gateway-throughput");
        report.put("devices", o.devices).put("channels", o.channels).put("pollMs", o.pollMs())
                .put("offeredSamplesPerSecond", offered()).put("batchPolls", o.batchPolls)
                .put("body", o.compact ? "compact" : "json").put("heapMb", o.heapMb).put("inflight", o.inflight)
                .put("backlog", o.backlog).put("runs", o.runs).put("seconds", o.seconds);
        out.println("medians:");
        report.put(out, "samples_per_second", "live samples/s delivered and verified at the receiver",
                median(results, Result::samplesPerSecond), "samples/s");
        report.put(out, "gateway_cores", "gateway CPU", median(results, Result::gatewayCores), "cores");
        report.put(out, "machine_cores", "whole machine CPU (gateway, simulator, broker, receiver)",
                median(results, Result::machineCores), "cores");
        report.put(out, "rss_mb", "gateway RSS (median of 1 s samples)", median(results, Result::rssMb), "MB");
        report.put(out, "wire_bytes_per_sample", "MQTT payload bytes per sample",
                median(results, Result::wireBytesPerSample), "B");
        if (o.backlog > 0) {
            report.put(out, "backlog_at_broker_seconds", o.backlog + "-message backlog: all published and"
                    + " acknowledged by the broker, under live load", median(results, Result::storeDrainSeconds), "s");
            report.put(out, "backlog_verified_seconds", o.backlog + "-message backlog: all verified at the receiver",
                    median(results, Result::drainSeconds), "s");
            report.put(out, "alarm_sampled_p99_during_drain_ms", "alarm p99, poll that saw it -> receiver, during the drain",
                    median(results, r -> BenchReport.percentile(r.alarmSampledDrainMs, 99)), "ms");
            report.put(out, "alarm_puback_p99_during_drain_ms", "alarm p99, poll that saw it -> PUBACK, during the drain",
                    median(results, r -> BenchReport.percentile(r.alarmPubackDrainMs, 99)), "ms");
        }
        report.put(out, "alarm_puback_p99_ms", "alarm p99, poll that saw it -> PUBACK (the gateway's log)",
                median(results, r -> BenchReport.percentile(r.alarmPubackMs, 99)), "ms");
        report.put(out, "alarm_sampled_p50_ms", "alarm p50, poll that saw it -> receiver",
                median(results, r -> BenchReport.percentile(r.alarmSampledMs, 50)), "ms");
        report.put(out, "alarm_sampled_p99_ms", "alarm p99, poll that saw it -> receiver",
                median(results, r -> BenchReport.percentile(r.alarmSampledMs, 99)), "ms");
        report.put(out, "alarm_change_p99_ms", "alarm p99, register change -> receiver (adds <= one poll interval)",
                median(results, r -> BenchReport.percentile(r.alarmChangeMs, 99)), "ms");
        report.put("format_json_1poll_bytes_per_sample", formats[0]).put("format_compact_1poll_bytes_per_sample", formats[1])
                .put("format_json_10polls_bytes_per_sample", formats[2])
                .put("format_compact_10polls_bytes_per_sample", formats[3]);
        report.printJson(out);
        return 0;
    }

    /**
     * Sealed envelope bytes per sample for a 100-channel float32 poll (noisy values, ~230 V), JSON and compact, one
     * and ten polls per message, with the shipped sealer options (deflate from 256 bytes): the format comparison
     * beside the measured run. {json 1, compact 1, json 10, compact 10}.
     */
    private double[] wireFormats() throws Exception {
        var gw = org.tidegate.crypto.SmKeys.generate();
        var cloud = org.tidegate.crypto.SmKeys.generate();
        var sealer = new org.tidegate.crypto.EnvelopeSealer(DemoHome.GATEWAY_ID, gw.getPrivate(), cloud.getPublic(),
                org.tidegate.crypto.SealerOptions.defaults());
        java.util.Random r = new java.util.Random(1);
        double[] out4 = new double[4];
        long seq = 1;
        for (int k = 0; k < 2; k++) {
            int polls = k == 0 ? 1 : 10;
            List<Sample> ss = new ArrayList<>();
            for (int p = 0; p < polls; p++) {
                for (int c = 0; c < 100; c++) {
                    ss.add(Sample.good("pm-001", String.format(Locale.ROOT, "u%03d", c), 1_796_170_988_599L + 50L * p,
                            (double) (float) (230 + r.nextGaussian()), "V"));
                }
            }
            for (int f = 0; f < 2; f++) {
                byte[] body = org.tidegate.pipeline.internal.BodyEncoder.telemetry(DemoHome.GATEWAY_ID, "pm-001", ss,
                        f == 1);
                out4[2 * k + f] = (double) sealer.seal(ContentType.TELEMETRY, 4, seq++, body).length / ss.size();
            }
        }
        out.printf(Locale.ROOT, "  wire bytes/sample, 100-channel float32 poll, sealed (deflate >= 256 B): JSON %.2f,"
                + " compact %.2f (one poll per message); JSON %.2f, compact %.2f (10 polls per message)%n",
                out4[0], out4[1], out4[2], out4[3]);
        return out4;
    }

    private double offered() {
        return (double) o.devices * o.channels * 1000.0 / o.pollMs();
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return BenchReport.median(rs.stream().mapToDouble(f).toArray());
    }

    private Result once(int run) throws Exception {
        Path work = Files.createTempDirectory("tidegate-bench-gwt-");
        Path home = work.resolve("home");
        WideMeter meters = new WideMeter(o.channels);
        WideMeter alarmMeter = new WideMeter(o.channels);
        try (Simulator sim = new Simulator(1.0); MosquittoBroker broker = new MosquittoBroker(work.resolve("mosquitto"))) {
            sim.units().add(METER_UNIT, meters).add(ALARM_UNIT, alarmMeter);
            int port = sim.startTcp("127.0.0.1", 0);
            broker.start();
            DemoHome demo = DemoHome.create(home, broker.url());
            writeHome(home, broker.url(), port);
            if (o.backlog > 0) {
                long t0 = System.nanoTime();
                prefill(home, o.backlog);
                out.printf(Locale.ROOT, "  run %d: %,d backlog messages sealed and stored in %.1f s%n", run, o.backlog,
                        (System.nanoTime() - t0) / 1e9);
            }
            Counters c = new Counters();
            EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(),
                    TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey()))
                    .duplicateFilter(new DuplicateFilter()).build();
            CloudReceiver receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "bench-cloud"), "tidegate",
                    opener, c, 500);
            // Alarms on a connection of their own, opened by their own opener: their arrival time is not queued
            // behind the telemetry this JVM is still verifying (the receiver is one thread on a busy machine).
            EnvelopeOpener alarmOpener = EnvelopeOpener.builder(demo.cloudKey(),
                    TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey()))
                    .duplicateFilter(new DuplicateFilter()).build();
            CloudReceiver alarmReceiver = new CloudReceiver(BrokerConnection.of(broker.url(), "bench-cloud-alarms"),
                    "tidegate", alarmOpener, c, 500);
            MqttAsyncClient sub = subscribe(broker.url(), "bench-receiver", receiver, c,
                    new String[] {"tidegate/+/telemetry/+", "tidegate/+/status"});
            MqttAsyncClient alarmSub = subscribe(broker.url(), "bench-receiver-alarms", alarmReceiver, c,
                    new String[] {"tidegate/+/alarm/+"});
            // The backlog's arrival at the broker (= its PUBACK), counted without verifying, on a third connection:
            // the gateway-side drain time, whatever the verifying receiver's own lag on this machine.
            MqttAsyncClient counter = new MqttAsyncClient(broker.url(), "bench-backlog-counter", new MemoryPersistence());
            counter.setCallback(new CountingCallback(c));
            counter.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            counter.subscribe("tidegate/+/telemetry/" + BACKLOG_DEVICE, 0).waitForCompletion(10_000);
            ProcessBuilder pb = GatewayJvm.run(o.heapMb, o.jvm, List.of("--home", home.toString(), "--log-level", "info",
                    "--scan-seconds", "0")).redirectErrorStream(true).redirectOutput(home.resolve("gateway.out").toFile());
            Process p = pb.start();
            Thread toggler = new Thread(() -> toggleAlarm(alarmMeter, c), "bench-alarm-toggler");
            toggler.setDaemon(true);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (c.firstAt.get() == 0 && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (c.firstAt.get() == 0) {
                    return failed("no message within 90 s: " + tail(home.resolve("gateway.out")));
                }
                toggler.start();
                // Settle (the drain of a backlog runs now), then measure.
                long settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.settle);
                while (System.nanoTime() < settleEnd && p.isAlive()) {
                    Thread.sleep(1000);
                    line(run, c, p.pid());
                }
                long n0 = c.samples.get();
                long b0 = c.wireBytes.get();
                long s0 = c.telemetrySamples.get();
                long cpu0 = cpuTicks(p.pid());
                long[] m0 = machineTicks();
                long t0 = System.nanoTime();
                List<Double> rss = new ArrayList<>();
                long cpu1 = cpu0;
                for (int i = 0; i < o.seconds && p.isAlive(); i++) {
                    Thread.sleep(1000);
                    rss.add(rssMb(p.pid()));
                    cpu1 = p.isAlive() ? cpuTicks(p.pid()) : cpu1;
                    if ((i + 1) % 5 == 0) {
                        line(run, c, p.pid());
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double rate = (c.telemetrySamples.get() - s0) / secs; // live devices only, not the backlog
                double cores = (cpu1 - cpu0) / 100.0 / secs;
                long[] m1 = machineTicks();
                double machine = (m1[0] - m0[0]) / 100.0 / secs;
                long samples = c.telemetrySamples.get() - s0;
                double wire = samples == 0 ? Double.NaN : (double) (c.wireBytes.get() - b0) / samples;
                double drain = o.backlog == 0 ? 0 : c.backlogDoneAt.get() == 0 ? Double.NaN
                        : (c.backlogDoneAt.get() - c.firstAt.get()) / 1e9;
                double storeDrain = o.backlog == 0 ? 0 : c.backlogAtBrokerAt.get() == 0 ? Double.NaN
                        : (c.backlogAtBrokerAt.get() - c.firstAt.get()) / 1e9;
                String note = p.isAlive() ? "" : "(gateway exited: " + tail(home.resolve("gateway.out")) + ")";
                if (o.backlog > 0 && c.backlogDoneAt.get() == 0) {
                    note += " (backlog not drained: " + c.backlogReceived.get() + " of " + o.backlog + ")";
                }
                double[][] puback = pubackLatencies(home.resolve("logs/tidegate.log"), c);
                if (o.keepLogs != null) {
                    Files.createDirectories(o.keepLogs);
                    Files.copy(home.resolve("logs/tidegate.log"), o.keepLogs.resolve("run-" + run + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return new Result(rate, offered(), cores, machine, storeDrain, BenchReport.median(rss.stream()
                        .mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray()), wire, drain, toArray(c.alarmSampled),
                        toArray(c.alarmChange), toArray(c.alarmSampledDuringDrain), toArray(c.alarmSealed), puback[0],
                        puback[1], c.refused.get(), note);
            } finally {
                c.stop = true;
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                for (MqttAsyncClient client : List.of(sub, alarmSub, counter)) {
                    try {
                        client.disconnectForcibly(0, 1000, false);
                        client.close(true);
                    } catch (MqttException ignored) {
                        // gone
                    }
                }
            }
        } finally {
            deleteTree(work);
        }
    }

    private Result failed(String note) {
        return new Result(0, offered(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, new double[0],
                new double[0], new double[0], new double[0], new double[0], new double[0], 0, note);
    }

    private void line(int run, Counters c, long pid) {
        out.printf(Locale.ROOT, "    run %d t=%4.0fs: %,d samples received, store depth %s, backlog at broker %,d, verified %,d,"
                        + " alarms %d, RSS %.1f MB%n", run, (System.nanoTime() - c.firstAt.get()) / 1e9, c.samples.get(),
                c.depth.get() < 0 ? "?" : String.format(Locale.ROOT, "%,d", c.depth.get()), c.backlogAtBroker.get(),
                c.backlogReceived.get(),
                c.alarms.get(), rssMb(pid));
    }

    private void writeHome(Path home, String url, int port) throws IOException {
        Files.writeString(home.resolve("gateway.json"), """
                {
                  "id": "%s",
                  "broker": { "url": "%s", "reconnectMinMs": 200, "reconnectMaxMs": 2000, "inflight": %d },
                  "security": { "cloudId": "%s" },
                  "store": { "path": "data/queue.db" },
                  "telemetry": { "batchPolls": %d, "body": "%s", "statusIntervalSeconds": 1 }%s
                }
                """.formatted(DemoHome.GATEWAY_ID, url, o.inflight, DemoHome.CLOUD_ID, o.batchPolls,
                o.compact ? "compact" : "json", o.console ? "" : ",\n  \"console\": { \"enabled\": false }"));
        try (var files = Files.list(home.resolve("devices"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        for (int d = 1; d <= o.devices; d++) {
            String id = String.format(Locale.ROOT, "pm-%03d", d);
            StringBuilder ch = new StringBuilder();
            for (int c = 0; c < o.channels; c++) {
                ch.append(c == 0 ? "" : ",\n").append(String.format(Locale.ROOT,
                        "    { \"id\": \"u%03d\", \"address\": \"ir:%d\", \"type\": \"float32\", \"unit\": \"V\" }", c, 2 * c));
            }
            boolean alarm = id.equals(ALARM_DEVICE);
            if (alarm) {
                ch.append(",\n    { \"id\": \"trip\", \"address\": \"hr:0\", \"type\": \"uint16\", \"rules\": { \"thresholds\": ["
                        + " { \"event\": \"bench_trip\", \"above\": 0.5, \"hysteresis\": 0.1, \"severity\": \"critical\" } ] } }");
            }
            Files.writeString(home.resolve("devices/" + id + ".json"), """
                    { "id": "%s", "protocol": "modbus", "pollIntervalMs": %d, "timeoutMs": 1000, "retries": 1,
                      "connection": { "transport": "tcp", "host": "127.0.0.1", "port": %d, "unit": %d },
                      "channels": [
                    %s ] }
                    """.formatted(id, o.pollMs(), port, alarm ? ALARM_UNIT : METER_UNIT, ch));
        }
    }

    /** Seals and stores {@code n} 100-channel compact telemetry messages in the gateway's own queue (an outage's backlog). */
    private void prefill(Path home, int n) throws Exception {
        GatewayCrypto crypto = GatewayCrypto.load(GatewayCrypto.settingsFromGatewayJson(home));
        SqliteQueue queue = SqliteQueue.open(QueueOptions.defaults(home.resolve("data/queue.db")));
        try (SequenceFile seq = SequenceFile.forQueue(queue)) {
            Outbox outbox = Outbox.create(new Topics(Topics.DEFAULT_PREFIX, DemoHome.GATEWAY_ID), seq, crypto.sealer(),
                    queue);
            List<Sample> samples = new ArrayList<>();
            long t = System.currentTimeMillis() - 3_600_000;
            for (int c = 0; c < 100; c++) {
                samples.add(Sample.good(BACKLOG_DEVICE, String.format(Locale.ROOT, "u%03d", c), t, 230.0 + c, "V"));
            }
            byte[] body = CompactTelemetry.encode(DemoHome.GATEWAY_ID, BACKLOG_DEVICE, samples);
            AtomicInteger next = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Exception> errors = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 4; i++) {
                Thread th = new Thread(() -> {
                    try {
                        List<java.util.concurrent.CompletableFuture<Long>> window = new ArrayList<>();
                        while (next.getAndIncrement() < n) {
                            window.add(outbox.submitAsync(ContentType.TELEMETRY, BACKLOG_DEVICE, 4, body));
                            if (window.size() >= 256) {
                                for (var f : window) {
                                    f.join();
                                }
                                window.clear();
                            }
                        }
                        for (var f : window) {
                            f.join();
                        }
                    } catch (Exception e) {
                        errors.add(e);
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread th : threads) {
                th.join();
            }
            if (!errors.isEmpty()) {
                throw new IOException("backlog prefill failed: " + errors.peek());
            }
        } finally {
            queue.close();
        }
    }

    private void toggleAlarm(WideMeter meter, Counters c) {
        boolean on = false;
        while (!c.stop) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            on = !on;
            c.toggles.add(System.currentTimeMillis());
            meter.setHolding(0, on ? 1 : 0);
        }
    }

    private static MqttAsyncClient subscribe(String url, String clientId, CloudReceiver receiver, Counters c,
                                             String[] filters) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                if (topic.contains("/alarm/")) {
                    c.alarmArrivedAt = System.currentTimeMillis();
                } else {
                    c.arrivedBytes = m.getPayload().length;
                }
                receiver.handle(topic, m.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions opts = new MqttConnectionOptions();
        opts.setCleanStart(true);
        opts.setReceiveMaximum(1000);
        client.connect(opts).waitForCompletion(10_000);
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        client.subscribe(filters, qos).waitForCompletion(10_000);
        return client;
    }

    /** Counts backlog messages as they leave the broker; nothing else. */
    private final class CountingCallback implements MqttCallback {
        private final Counters c;

        CountingCallback(Counters c) {
            this.c = c;
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) {
            if (c.backlogAtBroker.incrementAndGet() == o.backlog) {
                c.backlogAtBrokerAt.set(System.nanoTime());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
        }

        @Override
        public void deliveryComplete(IMqttToken t) {
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
        }

        @Override
        public void authPacketArrived(int code, MqttProperties p) {
        }
    }

    /** What the receivers saw (telemetry and status on one Paho thread, alarms on another). */
    private final class Counters implements CloudReceiver.Listener {
        final AtomicLong firstAt = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        final AtomicLong telemetrySamples = new AtomicLong();
        final AtomicLong wireBytes = new AtomicLong();
        final AtomicLong backlogReceived = new AtomicLong();
        final AtomicLong backlogDoneAt = new AtomicLong();
        final AtomicLong alarms = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong depth = new AtomicLong(-1);
        final ConcurrentLinkedQueue<Long> toggles = new ConcurrentLinkedQueue<>();
        final List<Double> alarmSampled = new ArrayList<>();
        final List<Double> alarmChange = new ArrayList<>();
        final List<Double> alarmSampledDuringDrain = new ArrayList<>();
        /** Poll that saw the change -> the envelope's created-at (the pipeline and sealing, before the store). */
        final List<Double> alarmSealed = new ArrayList<>();
        volatile int arrivedBytes;
        volatile long alarmArrivedAt;
        /** Each alarm's sequence number: {poll -> sealed ms, 1 if it arrived during the drain}. */
        final Map<Long, long[]> alarmsBySeq = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicLong backlogAtBroker = new AtomicLong();
        final AtomicLong backlogAtBrokerAt = new AtomicLong();
        volatile boolean stop;

        @Override
        public void accepted(Received m) {
            long now = System.currentTimeMillis();
            firstAt.compareAndSet(0, System.nanoTime());
            JsonNode body = m.body();
            ContentType type = m.opened().contentType();
            if (type == ContentType.TELEMETRY && body != null) {
                int n = body.path("samples").size();
                samples.addAndGet(n);
                if (BACKLOG_DEVICE.equals(body.path("device").asText())) {
                    if (backlogReceived.incrementAndGet() == o.backlog) {
                        backlogDoneAt.set(System.nanoTime());
                    }
                } else {
                    telemetrySamples.addAndGet(n);
                    wireBytes.addAndGet(arrivedBytes);
                }
            } else if (type == ContentType.ALARM && body != null && "bench_trip".equals(body.path("event").asText())) {
                now = alarmArrivedAt;
                alarms.incrementAndGet();
                double sampled = now - body.path("t").asLong();
                Long toggled = toggles.poll();
                synchronized (this) {
                    alarmSampled.add(sampled);
                    alarmSealed.add((double) (m.opened().createdAtMillis() - body.path("t").asLong()));
                    boolean duringDrain = o.backlog > 0 && backlogAtBrokerAt.get() == 0;
                    alarmsBySeq.put(m.opened().sequence(), new long[] {
                        m.opened().createdAtMillis() - body.path("t").asLong(), duringDrain ? 1 : 0});
                    if (toggled != null) {
                        alarmChange.add((double) (now - toggled));
                    }
                    if (o.backlog > 0 && backlogAtBrokerAt.get() == 0) {
                        alarmSampledDuringDrain.add(sampled);
                    }
                }
            } else if (type == ContentType.STATUS && body != null && body.path("queue").has("messages")) {
                long d = body.path("queue").path("messages").asLong();
                depth.set(d);

            }
        }

        @Override
        public void refused(Refused m) {
            if (refused.incrementAndGet() <= 5) {
                out.println("    refused: " + m);
            }
        }
    }

    /**
     * Alarm latency to the PUBACK, as the issue defines it: for each alarm the receiver opened, poll -> sealed from
     * its envelope plus sealed -> PUBACK from the gateway's own log line ("uplink: alarm seq=N acknowledged by the
     * broker M ms after it was sealed"), the same clock. The receiver's arrival time adds the broker's forwarding and
     * this JVM's scheduling, which a real gateway's alarm does not wait for.
     *
     * @return {all, during the drain}
     */
    private static double[][] pubackLatencies(Path log, Counters c) {
        Map<Long, Long> acked = new java.util.HashMap<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("alarm seq=(\\d+) acknowledged by the broker (-?\\d+) ms");
        try (java.util.stream.Stream<String> lines = Files.lines(log)) {
            lines.forEach(l -> {
                java.util.regex.Matcher m = line.matcher(l);
                if (m.find()) {
                    acked.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return new double[][] {{}, {}};
        }
        List<Double> all = new ArrayList<>();
        List<Double> drain = new ArrayList<>();
        c.alarmsBySeq.forEach((seq, v) -> {
            Long ack = acked.get(seq);
            if (ack != null) {
                all.add((double) (v[0] + ack));
                if (v[1] == 1) {
                    drain.add((double) (v[0] + ack));
                }
            }
        });
        return new double[][] {toArray(all), toArray(drain)};
    }

    private static double[] toArray(List<Double> l) {
        synchronized (l) {
            return l.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    static long cpuTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** [busy ticks, all ticks] of the whole machine. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < f.length; i++) {
                all += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {all - idle, all};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static double rssMb(long pid) {
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
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp dir
        }
    }
}
