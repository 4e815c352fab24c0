package org.tidegate.bench.gpio;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.model.Device;
import org.tidegate.driver.gpio.internal.GpioDriver;
import org.tidegate.driver.gpio.internal.GpioSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench gpio}: the driver's own cost on the Pi4J mock provider — pulses counted per second
 * through the pin listener and debouncer, the delay from a pin event to an edge listener, and the time of one
 * poll of the riverside GPIO channels. Real pins add the provider's (kernel, JNI) cost on top; there is no
 * peer tool for GPIO on this machine to compare with.
 */
@Command(name = "gpio",
        description = "GPIO driver on the mock provider: pulse counting rate, edge push delay, poll time")
public final class GpioBenchmark implements Benchmark {

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "timed runs per figure (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--pulses", paramLabel = "N", defaultValue = "200000",
            description = "pulses counted per run (default ${DEFAULT-VALUE})")
    int pulses;

    @Option(names = "--polls", paramLabel = "N", defaultValue = "100000",
            description = "polls of the GPIO channels per run (default ${DEFAULT-VALUE})")
    int polls;

    @Override
    public int measure(PrintStream out) throws Exception {
        BenchReport report = new BenchReport("gpio");
        double[] pulseRate = new double[runs];
        double[] edgeP50 = new double[runs];
        double[] edgeP99 = new double[runs];
        double[] pollMicros = new double[runs];
        out.printf("gpio benchmark: %d runs, %d pulses, %d polls per run (mock provider, median of runs)%n", runs, pulses, polls);
        for (int r = 0; r < runs; r++) {
            try (GpioDriver driver = new GpioDriver("mock", System::nanoTime, Path.of("/dev"))) {
                pulseRate[r] = pulses(driver, pulses);
                double[] lat = edges(driver, Math.max(1000, pulses / 20));
                edgeP50[r] = lat[0];
                edgeP99[r] = lat[1];
                pollMicros[r] = polls(driver, polls);
            }
        }
        report.put(out, "pulsesPerSecond", "pulses counted per second (debounce 0)", BenchReport.median(pulseRate), "pulses/s");
        report.put(out, "edgeDelayP50Micros", "pin event to edge listener, p50", BenchReport.median(edgeP50), "us");
        report.put(out, "edgeDelayP99Micros", "pin event to edge listener, p99", BenchReport.median(edgeP99), "us");
        report.put(out, "pollMicros", "one poll of 4 riverside channels", BenchReport.median(pollMicros), "us");
        report.put("runs", runs).put("provider", "mock").put("peer", "none");
        report.printJson(out);
        return 0;
    }

    /** A mock-provider device with these channels (JSON objects), decoded by the GPIO schema. */
    private static Device device(String id, String... channels) {
        return DeviceSchema.decode(id, "{\"id\":\"" + id + "\",\"profile\":\"bench\",\"protocol\":\"gpio\","
                + "\"connection\":{\"provider\":\"mock\"},\"channels\":[" + String.join(",", channels) + "]}",
                new GpioSchema());
    }

    /** Raw pulses with debounce off (a real-time clock would lock out back-to-back mock pulses). */
    private static double pulses(GpioDriver driver, int n) throws Exception {
        Device d = device("bench-pulses", "{\"id\":\"tips\",\"address\":\"gpio:17\",\"type\":\"uint32\","
                + "\"mode\":\"counter\",\"debounceMs\":0,\"report\":\"tips\"}");
        try (DeviceSession s = driver.open(d)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                driver.setLevel(17, true); // GpioMock: the mock pin's state, listeners run on this thread
                driver.setLevel(17, false);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Object counted = s.read(d.channels()).get(0).raw();
            if (!Long.valueOf(n).equals(counted)) {
                throw new IllegalStateException("counted " + counted + " of " + n + " pulses");
            }
            return n / seconds;
        }
    }

    private static double[] edges(GpioDriver driver, int n) throws Exception {
        Device d = device("bench-edges", "{\"id\":\"smoke\",\"address\":\"gpio:27\",\"mode\":\"input\",\"debounceMs\":0}");
        AtomicLong seenAt = new AtomicLong();
        driver.addEdgeListener(e -> seenAt.set(System.nanoTime()), "bench-edges");
        double[] micros = new double[n];
        try (DeviceSession s = driver.open(d)) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                driver.setLevel(27, i % 2 == 0);
                micros[i] = (seenAt.get() - t0) / 1e3;
            }
        }
        return new double[] {BenchReport.percentile(micros, 50), BenchReport.percentile(micros, 99)};
    }

    private static double polls(GpioDriver driver, int n) throws Exception {
        Device d = device("bench-poll",
                "{\"id\":\"rain_total\",\"address\":\"gpio:5\",\"mode\":\"counter\",\"report\":\"cumulative\"}",
                "{\"id\":\"rain_interval\",\"address\":\"gpio:5\",\"mode\":\"counter\",\"report\":\"interval\"}",
                "{\"id\":\"smoke\",\"address\":\"gpio:6\",\"mode\":\"input\",\"activeLow\":true,\"pull\":\"up\"}",
                "{\"id\":\"siren\",\"address\":\"gpio:13\",\"mode\":\"output\",\"access\":\"readwrite\"}");
        try (DeviceSession s = driver.open(d)) {
            for (int i = 0; i < Math.min(n, 10_000); i++) {
                s.read(d.channels()); // warm-up
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.read(d.channels());
            }
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }
}
