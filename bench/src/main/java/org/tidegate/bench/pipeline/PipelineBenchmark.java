package org.tidegate.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.core.cli.Args;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.pipeline.MessageKind;
import org.tidegate.pipeline.Pipeline;
import org.tidegate.pipeline.PipelineSettings;
import org.tidegate.pipeline.internal.BodyEncoder;
import org.tidegate.pipeline.rules.DeviceRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench pipeline}: what the edge rules cost on the poll thread, how fast the pipeline thread
 * turns polls into telemetry bodies, and our streaming body encoder beside Jackson's ObjectMapper writing the
 * same body (the in-process reference; there is no external peer tool for edge rules).
 */
@Command(name = "pipeline",
        description = "edge rules per poll, poll-thread hand-off latency, telemetry bodies per second")
public final class PipelineBenchmark implements Benchmark {
    /** Messages the bench lets wait for the pipeline thread before it stops feeding (bounds its heap). */
    private static final int MAX_QUEUED_MESSAGES = 20_000;

    private static final int CHANNELS = 8;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "timed runs, at least 1 (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--polls", paramLabel = "N", defaultValue = "100000",
            description = "polls per run, at least 1000 (default ${DEFAULT-VALUE})")
    int polls;

    @Override
    public int measure(PrintStream out) throws Exception {
        if (runs < 1 || polls < 1000) {
            throw new Args.UsageException("--runs must be at least 1 and --polls at least 1000");
        }
        Device meter = meter();
        List<SampleBatch> batches = batches(meter.id(), polls);
        out.printf("pipeline benchmark: %d runs of %d polls of a %d-channel device (deadband, 2 thresholds, "
                + "rate of change per channel), median of runs%n", runs, polls, CHANNELS);

        double[] rulesNs = new double[runs];
        double[] acceptP50 = new double[runs];
        double[] acceptP99 = new double[runs];
        double[] bodiesPerS = new double[runs];
        double[] ourEncode = new double[runs];
        double[] jacksonEncode = new double[runs];
        long reported = 0;
        for (int r = 0; r < runs; r++) {
            DeviceRules rules = DeviceRules.of(meter);
            long t0 = System.nanoTime();
            long n = 0;
            long nonEmptyPolls = 0;
            for (SampleBatch b : batches) {
                int k = rules.evaluate(b).telemetry().size();
                n += k;
                nonEmptyPolls += k > 0 ? 1 : 0;
            }
            rulesNs[r] = (System.nanoTime() - t0) / (double) polls;
            reported = n;

            double[] lat = new double[polls];
            AtomicLong messages = new AtomicLong();
            Pipeline p = new Pipeline(new PipelineSettings("gw-bench", 1, polls + 10, 0, 1000), Clock.systemUTC(),
                    (d, c, v) -> { });
            p.addDevice(meter);
            p.setSink((kind, device, priority, body) -> kind == MessageKind.TELEMETRY ? messages.incrementAndGet() : 0);
            p.start();
            long start = System.nanoTime();
            for (int i = 0; i < polls; i++) {
                // The poll loop outruns the pipeline thread: without a bound the queued polls (all of them, as
                // the lane holds polls + 10) outgrew the bench's 128 MB heap on a quiet machine. Waiting here is
                // outside the timed accept and inside the throughput's clock, as a full lane would be.
                if (i % 1000 == 0) {
                    long feedDeadline = System.nanoTime() + 60_000_000_000L;
                    while (p.stats().pending() > MAX_QUEUED_MESSAGES) {
                        if (System.nanoTime() - feedDeadline > 0) {
                            throw new IllegalStateException("the pipeline still held more than " + MAX_QUEUED_MESSAGES + " messages after 60 s ("
                                    + p.stats().pending() + " messages waiting)");
                        }
                        Thread.sleep(1);
                    }
                }
                long a = System.nanoTime();
                p.accept(batches.get(i));
                lat[i] = (System.nanoTime() - a) / 1000.0;
            }
            // Same rules, same samples: one message per poll that reported anything.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (messages.get() < nonEmptyPolls && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            bodiesPerS[r] = messages.get() / ((System.nanoTime() - start) / 1e9);
            p.close();
            acceptP50[r] = BenchReport.percentile(lat, 50);
            acceptP99[r] = BenchReport.percentile(lat, 99);

            List<Sample> body = batches.get(polls / 2).samples();
            ourEncode[r] = encodeRate(() -> BodyEncoder.telemetry("gw-bench", meter.id(), body));
            ObjectMapper mapper = new ObjectMapper();
            Map<String, Object> tree = tree("gw-bench", meter.id(), body);
            jacksonEncode[r] = encodeRate(() -> {
                try {
                    return mapper.writeValueAsBytes(tree);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        BenchReport report = new BenchReport("pipeline");
        report.put("runs", runs).put("polls", polls).put("channels", CHANNELS);
        report.put(out, "rules_ns_per_poll", "rules per poll (8 channels), poll thread", BenchReport.median(rulesNs), "ns");
        report.put(out, "reported_fraction", "samples passing the deadband", reported / (double) (polls * CHANNELS), "");
        report.put(out, "accept_p50_us", "SampleSink.accept latency p50", BenchReport.median(acceptP50), "us");
        report.put(out, "accept_p99_us", "SampleSink.accept latency p99", BenchReport.median(acceptP99), "us");
        report.put(out, "telemetry_msgs_per_s", "telemetry messages encoded + submitted", BenchReport.median(bodiesPerS), "msg/s");
        report.put(out, "encode_per_s", "telemetry body encoder (8 samples)", BenchReport.median(ourEncode), "bodies/s");
        report.put(out, "jackson_encode_per_s", "reference: Jackson ObjectMapper, same body", BenchReport.median(jacksonEncode), "bodies/s");
        report.printJson(out);
        return 0;
    }

    private interface Encoding {
        byte[] encode();
    }

    private static double encodeRate(Encoding e) {
        for (int i = 0; i < 20_000; i++) {
            e.encode();
        }
        int n = 200_000;
        long t0 = System.nanoTime();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += e.encode().length;
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        return bytes > 0 ? rate : 0;
    }

    private static Map<String, Object> tree(String gw, String device, List<Sample> samples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gateway", gw);
        m.put("device", device);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Sample s : samples) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("ch", s.channel());
            x.put("t", s.timestamp());
            x.put("v", s.value());
            x.put("u", s.unit());
            x.put("q", s.quality().wireName());
            list.add(x);
        }
        m.put("samples", list);
        return m;
    }

    static Device meter() {
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < CHANNELS; i++) {
            String rules = ("{'deadband': 0.5, 'maxSilentMs': 60000, 'thresholds': ["
                    + "{'event': 'high_%1$d', 'above': 250.0, 'hysteresis': 2.0},"
                    + "{'event': 'low_%1$d', 'below': 190.0, 'hysteresis': 2.0}],"
                    + "'rateOfChange': [{'event': 'jump_%1$d', 'rise': 20.0, 'windowMs': 10000}]}")
                    .formatted(i).replace('\'', '"');
            channels.add(new Channel("u" + i, "hr:" + (2 * i), DataType.FLOAT32, null, null, 0, 1, 0, "V",
                    Access.READ, null, rules));
        }
        return new Device("pm-bench", "bench", "memory", null, null, 0, channels, null);
    }

    /** Voltages wandering around 220 V by up to a few volts, one poll per second of sample time. */
    static List<SampleBatch> batches(String device, int polls) {
        List<SampleBatch> out = new ArrayList<>(polls);
        java.util.Random random = new java.util.Random(42);
        double[] v = new double[CHANNELS];
        java.util.Arrays.fill(v, 220);
        for (int i = 0; i < polls; i++) {
            long t = 1_700_000_000_000L + i * 1000L;
            List<Sample> samples = new ArrayList<>(CHANNELS);
            for (int c = 0; c < CHANNELS; c++) {
                v[c] += random.nextGaussian() * 0.3 - (v[c] - 220) * 0.01;
                samples.add(Sample.good(device, "u" + c, t, (double) (float) v[c], "V"));
            }
            out.add(new SampleBatch(device, t, samples));
        }
        return out;
    }
}
