package org.tidegate.bench.modbus;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.core.cli.Args;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.driver.modbus.ModbusDriver;
import org.tidegate.driver.modbus.ModbusSettings;
import org.tidegate.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench modbus}: Modbus TCP reads per second of 10 holding registers through the real driver
 * stack (driver session + {@link DevicePoller}, samples built and checked), for one device and for N devices on
 * separate connections, against our simulator. Beside it, in the same run and against the same server: a C
 * libmodbus client (compiled here if gcc and libmodbus-dev are present) and j2mod's TCP master.
 */
@Command(name = "modbus",
        description = "Modbus TCP reads/s (10 holding registers) through the driver stack, 1 and 20 devices, vs libmodbus and j2mod")
public final class ModbusBench implements Benchmark {

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "measure this Modbus TCP server instead of our simulator")
    String target;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "3",
            description = "seconds per timed run (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "timed runs per figure (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "20",
            description = "devices, each with its own connection, in the many-devices run (default ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--no-peers", description = "skip the libmodbus and j2mod peer figures")
    boolean noPeers;

    @Option(names = "--no-rtu", description = "skip the RTU-over-pty runs")
    boolean noRtu;

    @Override
    public int measure(PrintStream out) throws Exception {
        BenchReport report = new BenchReport("modbus");
        try (Simulator sim = new Simulator(1.0)) {
            int simPort = sim.startTcp("127.0.0.1", 0);
            String host = "127.0.0.1";
            int port = simPort;
            if (target != null) {
                int colon = target.lastIndexOf(':');
                if (colon <= 0) {
                    throw new Args.UsageException("--target must be HOST:PORT, got \"" + target + "\"");
                }
                host = target.substring(0, colon);
                port = Integer.parseInt(target.substring(colon + 1));
            }
            String server = target == null ? "our simulator 127.0.0.1:" + simPort : target;
            out.printf("Modbus TCP, unit 1, read 10 holding registers (FC 3, address 0), %s, %d runs of %.1f s, median%n",
                    server, runs, seconds);
            Path cClient = noPeers ? null : compileLibmodbusClient(out);

            // Warm-up so the JIT has compiled both Java read paths before we measure (longer on a busy machine).
            double warm = Math.max(3.0, seconds);
            oursOneDevice(host, port, warm);
            if (!noPeers) {
                j2mod(host, port, warm / 2);
            }

            double[] ours = new double[runs];
            double[] c = new double[runs];
            double[] j2 = new double[runs];
            for (int i = 0; i < runs; i++) {
                // Rotate the order so that drift in machine load does not favour one client.
                for (int k = 0; k < 3; k++) {
                    switch ((i + k) % 3) {
                        case 0 -> ours[i] = oursOneDevice(host, port, seconds);
                        case 1 -> c[i] = cClient == null ? Double.NaN : libmodbus(cClient, host, port, seconds);
                        default -> j2[i] = noPeers ? Double.NaN : j2mod(host, port, seconds);
                    }
                }
                out.printf("  run %d: tidegate %.0f/s, libmodbus %s, j2mod %s%n", i + 1, ours[i],
                        Double.isNaN(c[i]) ? "-" : String.format("%.0f/s", c[i]), Double.isNaN(j2[i]) ? "-" : String.format("%.0f/s", j2[i]));
            }
            report.put("server", server);
            report.put(out, "one_device_reads_per_s", "tidegate driver, 1 device", BenchReport.median(ours), "reads/s");
            if (cClient != null) {
                double cm = BenchReport.median(c);
                report.put(out, "libmodbus_reads_per_s", "libmodbus C client, same server", cm, "reads/s");
                report.put(out, "ratio_vs_libmodbus", "tidegate / libmodbus", BenchReport.median(ours) / cm, "");
            } else {
                report.put("libmodbus_reads_per_s", null);
            }
            if (!noPeers) {
                report.put(out, "j2mod_reads_per_s", "j2mod 3.2.1 TCP master, same server", BenchReport.median(j2), "reads/s");
            }

            double[] many = new double[runs];
            for (int i = 0; i < runs; i++) {
                many[i] = oursManyDevices("127.0.0.1", simPort, devices, seconds);
            }
            report.put(out, "devices_" + devices + "_reads_per_s", "tidegate driver, " + devices + " devices (own connections), total",
                    BenchReport.median(many), "reads/s");
            if (!noRtu) {
                rtuOverPty(report, out, Math.min(seconds, 3.0));
            }
            report.put("devices", devices);
            report.put("runs", runs);
            report.put("seconds_per_run", seconds);
            report.put("cores", Runtime.getRuntime().availableProcessors());
        }
        report.printJson(out);
        return 0;
    }

    private static Device device(String id, String host, int port) {
        List<Channel> cs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            cs.add(Channel.of("r" + i, "hr:" + i, DataType.UINT16, ""));
        }
        return new Device(id, "bench", "modbus", Duration.ofSeconds(1), Duration.ofSeconds(1), 0, cs,
                new ModbusSettings(new ModbusSettings.Tcp(host, port), 1, ModbusSettings.BlockLimits.DEFAULT));
    }

    /** Polls as fast as possible; returns good polls per second. */
    private static double pollLoop(DevicePoller poller, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long good = 0;
        long bad = 0;
        while (System.nanoTime() < end) {
            SampleBatch b = poller.pollOnce();
            if (b.samples().stream().allMatch(s -> s.isGood())) {
                good++;
            } else {
                bad++;
            }
        }
        if (bad > 0 && good == 0) {
            throw new IllegalStateException("every read failed: " + poller.health().lastError());
        }
        return good / ((System.nanoTime() - start) / 1e9);
    }

    private static double oursOneDevice(String host, int port, double seconds) throws Exception {
        try (ModbusDriver driver = new ModbusDriver()) {
            Device d = device("bench-1", host, port);
            try (DevicePoller poller = new DevicePoller(d, driver.open(d), List::of)) {
                return pollLoop(poller, seconds);
            }
        }
    }

    private static double oursManyDevices(String host, int port, int n, double seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (ModbusDriver driver = new ModbusDriver()) {
            List<Future<Double>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Device d = device("bench-" + i, host, port);
                DevicePoller poller = new DevicePoller(d, driver.open(d), List::of);
                results.add(pool.submit(() -> {
                    try (poller) {
                        return pollLoop(poller, seconds);
                    }
                }));
            }
            double total = 0;
            for (Future<Double> f : results) {
                total += f.get((long) (seconds * 10 + 30), TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double j2mod(String host, int port, double seconds) throws Exception {
        ModbusTCPMaster m = new ModbusTCPMaster(host, port, 1000, false);
        return readsPerSecond(m, seconds);
    }

    /**
     * Modbus RTU over a socat pty pair (our simulator's RTU slave on one end): our driver and j2mod's serial master,
     * 10 holding registers per request. A pty ignores the baud rate, so this measures each master's own pacing.
     */
    private static void rtuOverPty(BenchReport report, PrintStream out, double seconds) throws Exception {
        if (!onPath("socat")) {
            out.println("  (RTU over a pty skipped: needs socat)");
            return;
        }
        Path dir = Files.createTempDirectory("tidegate-bench-rtu-");
        for (int baud : new int[] {9600, 115200}) {
            Path sub = Files.createDirectories(dir.resolve("b" + baud));
            try (org.tidegate.driver.serial.testing.SocatPair pair = org.tidegate.driver.serial.testing.SocatPair.start(sub)) {
                try (Simulator rtuSim = new Simulator(1.0)) {
                    rtuSim.startRtu(org.tidegate.driver.serial.SerialSettings.of(pair.endB().toString(), baud));
                    double ours;
                    try (ModbusDriver driver = new ModbusDriver()) {
                        ModbusSettings rtu = new ModbusSettings(new ModbusSettings.Rtu(
                                org.tidegate.driver.serial.SerialSettings.of(pair.endA().toString(), baud), -1), 1, null);
                        Device base = device("bench-rtu", "unused", 0);
                        Device d = new Device(base.id(), base.profile(), base.protocol(), base.pollInterval(),
                                base.timeout(), 0, base.channels(), rtu);
                        try (DevicePoller poller = new DevicePoller(d, driver.open(d), List::of)) {
                            pollLoop(poller, 1.0);
                            ours = pollLoop(poller, seconds);
                        }
                    }
                    double j2 = j2modRtu(pair.endA().toString(), baud, seconds);
                    report.put(out, "rtu_pty_" + baud + "_reads_per_s", "RTU over a pty at " + baud + " baud, tidegate", ours, "reads/s");
                    report.put(out, "rtu_pty_" + baud + "_j2mod_reads_per_s", "RTU over a pty at " + baud + " baud, j2mod", j2, "reads/s");
                }
            }
        }
    }

    /** j2mod's read loop, the same for its TCP and serial masters: 10 holding registers of unit 1, as fast as it goes. */
    private static double readsPerSecond(com.ghgande.j2mod.modbus.facade.AbstractModbusMaster m, double seconds) throws Exception {
        m.connect();
        try {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            long reads = 0;
            while (System.nanoTime() < end) {
                m.readMultipleRegisters(1, 0, 10);
                reads++;
            }
            return reads / ((System.nanoTime() - start) / 1e9);
        } finally {
            m.disconnect();
        }
    }

    private static double j2modRtu(String port, int baud, double seconds) throws Exception {
        com.ghgande.j2mod.modbus.util.SerialParameters p = new com.ghgande.j2mod.modbus.util.SerialParameters();
        p.setPortName(port);
        p.setBaudRate(baud);
        p.setDatabits(8);
        p.setParity("None");
        p.setStopbits(1);
        p.setEncoding(com.ghgande.j2mod.modbus.Modbus.SERIAL_ENCODING_RTU);
        com.ghgande.j2mod.modbus.facade.ModbusSerialMaster m = new com.ghgande.j2mod.modbus.facade.ModbusSerialMaster(p, 1000);
        return readsPerSecond(m, seconds);
    }

    private static final Pattern C_RESULT = Pattern.compile("reads=(\\d+) seconds=([0-9.]+) errors=(\\d+)");

    private static double libmodbus(Path exe, String host, int port, double seconds) throws Exception {
        Process p = new ProcessBuilder(exe.toString(), host, "" + port, "" + seconds).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor((long) seconds + 30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("libmodbus client failed: " + text.trim());
        }
        Matcher m = C_RESULT.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("unexpected libmodbus client output: " + text.trim());
        }
        return Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2));
    }

    /** Compiles the C client with gcc against libmodbus-dev; null (with a note) if either is missing. */
    private static Path compileLibmodbusClient(PrintStream out) throws IOException, InterruptedException {
        if (!Files.exists(Path.of("/usr/include/modbus/modbus.h")) || !onPath("gcc")) {
            out.println("  (libmodbus comparison skipped: needs gcc and libmodbus-dev)");
            return null;
        }
        Path dir = Files.createTempDirectory("tidegate-bench-");
        Path src = dir.resolve("modbus_read_bench.c");
        try (InputStream in = ModbusBench.class.getResourceAsStream("/bench/modbus_read_bench.c")) {
            Files.copy(in, src);
        }
        Path exe = dir.resolve("modbus_read_bench");
        Process p = new ProcessBuilder("gcc", "-O2", "-o", exe.toString(), src.toString(), "-I/usr/include/modbus", "-lmodbus")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            out.println("  (libmodbus comparison skipped: gcc failed: " + log.trim() + ")");
            return null;
        }
        exe.toFile().deleteOnExit();
        src.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return exe;
    }

    private static boolean onPath(String cmd) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return java.util.Arrays.stream(path.split(java.io.File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, cmd)));
    }
}
