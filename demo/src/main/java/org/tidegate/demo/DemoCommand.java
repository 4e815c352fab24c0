package org.tidegate.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.launcher.GatewayRuntime;
import org.tidegate.simulator.Scenario;
import org.tidegate.simulator.SiteModel;
import org.tidegate.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate demo}: the whole path on one machine, in this process — simulators, an embedded broker,
 * a gateway with a fresh identity, and the cloud-side receiver printing what it verifies and decrypts.
 * The site runs a flood scenario, sped up so that the river passes its warning line within a minute.
 *
 * <p>Ctrl-C (SIGINT) and SIGTERM stop it the same way as the end of {@code --duration}: everything is closed, the
 * summary printed and the temporary home (keys included) deleted before the JVM exits; the exit status is then
 * the usual 128 + signal (130, 143).
 */
@Command(name = "demo", description = {
        "simulators + embedded broker + gateway + cloud receiver, with a live view (flood scenario)", "",
        "Starts, in this process: the field simulators (radar water level, rain gauge, power meter over",
        "Modbus TCP; smoke detector and siren on mock GPIO), an embedded MQTT broker, the gateway with a",
        "freshly generated SM2 identity, and the cloud-side receiver, and prints the verified, decrypted",
        "telemetry and alarms as they arrive. Runs until Ctrl-C or for --duration, then prints a summary."})
public final class DemoCommand implements PicocliCommand {
    static final List<String> DEVICES = List.of("wl-001", "pm-001", "rain-01", "smoke-01", "siren-01");
    private static final int SMOKE_LINE = 27;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    /** How long a signal waits for the demo to close, summarise and delete its home before the JVM exits anyway. */
    private static final long STOP_GRACE_SECONDS = 30;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = {"stop after this long (e.g. 60s); exit status 1 if by then some device sent no",
                    "telemetry or no alarm was both raised and cleared"})
    Duration duration;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "300",
            description = "simulated seconds per real second (default ${DEFAULT-VALUE}: the flood takes about 20 s)")
    double speed;

    @Option(names = "--home", paramLabel = "DIR",
            description = "keep the generated gateway home here (default: a temporary directory, deleted at the end)")
    Path keepHome;

    private final Map<String, AtomicLong> telemetry = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> raisedBy = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> clearedBy = new ConcurrentHashMap<>();
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong cleared = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong statuses = new AtomicLong();
    private PrintStream out;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        this.out = out;
        if (duration != null && duration.isZero()) {
            throw new Args.UsageException("--duration must be more than 0 (leave it out to run until Ctrl-C)");
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new Args.UsageException("--speed must be a positive number, got " + speed);
        }
        boolean keep = keepHome != null;
        Path home = keep ? keepHome.toAbsolutePath() : Files.createTempDirectory("tidegate-demo-");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        // The JVM exits as soon as its shutdown hooks return: this one holds it until the finally block below has
        // closed everything, printed the summary and deleted the home (gateway and cloud private keys included).
        Thread hook = new Thread(() -> {
            signalled.set(true);
            stop.countDown();
            try {
                if (!finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    System.err.println("tidegate demo: not stopped within " + STOP_GRACE_SECONDS + " s; " + home + " may be left");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Simulator sim = null;
        EmbeddedBroker broker = null;
        CloudReceiver receiver = null;
        GatewayRuntime runtime = null;
        UtilityDevices utility = null;
        int code = 1;
        try {
            out.println("tidegate demo — home " + home);
            sim = new Simulator(speed);
            int modbusPort = sim.startTcp("127.0.0.1", 0);
            broker = EmbeddedBroker.startOnFreePort();
            out.println("  simulators: Modbus TCP 127.0.0.1:" + modbusPort + " (units 1 level, 2 power, 3 rain), GPIO mock; speed x" + speed);
            out.println("  broker:     " + broker.url() + " (embedded)");
            DemoHome demo = DemoHome.create(home, broker.url(), speed)
                    .waterLevel("wl-001", "127.0.0.1", modbusPort, 1000)
                    .powerMeter("pm-001", "127.0.0.1", modbusPort, 2000)
                    .rainGauge("rain-01", "127.0.0.1", modbusPort, 5000)
                    .smokeAndSiren();
            utility = UtilityDevices.add(demo, sim.site(), home, out);
            EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(),
                            TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey()))
                    .duplicateFilter(new DuplicateFilter()).build();
            receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "demo-cloud"), "tidegate", opener,
                    new CloudReceiver.Listener() {
                        @Override
                        public void accepted(Received m) {
                            show(m);
                        }

                        @Override
                        public void refused(Refused m) {
                            if (m.reason() == EnvelopeException.Reason.DUPLICATE) {
                                duplicates.incrementAndGet(); // at-least-once delivery: a repeat, dropped
                                return;
                            }
                            refused.incrementAndGet();
                            print("REFUSED " + m.reason() + " from " + m.sender() + " #" + m.sequence() + ": " + m.message());
                        }
                    }, 1000);
            receiver.start();
            out.println("  cloud:      receiver subscribed as demo-cloud, verifying with the gateway's public key");

            runtime = new GatewayRuntime(home, Map.of(), List.of());
            long t0 = System.nanoTime();
            runtime.start();
            out.printf("  gateway:    %s running (OSGi runtime up in %d ms); logs in %s%n%n", DemoHome.GATEWAY_ID,
                    (System.nanoTime() - t0) / 1_000_000, home.resolve("logs"));
            Simulator site = sim;
            GatewayRuntime gateway = runtime;
            Thread scenario = new Thread(() -> driveScenario(site, gateway, stop), "demo-scenario");
            scenario.setDaemon(true);
            utility.startStation();
            scenario.start();
            if (duration != null) {
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stop.await();
            }
            if (signalled.get()) {
                print("stop requested: shutting down");
            }
        } finally {
            stop.countDown();
            // Each part closes even if another one fails to: the home is deleted in any case.
            if (runtime != null) {
                closeQuietly(runtime::close, "gateway");
            }
            if (receiver != null) {
                closeQuietly(receiver::close, "receiver");
            }
            if (broker != null) {
                closeQuietly(broker::stop, "broker");
            }
            if (utility != null) {
                closeQuietly(utility::close, "utility simulators");
            }
            if (sim != null) {
                closeQuietly(sim::close, "simulators");
            }
            code = summary(duration != null && !signalled.get());
            if (!keep) {
                deleteTree(home);
                if (Files.exists(home)) {
                    out.println("  could not delete " + home + ": remove it by hand (it holds private keys)");
                }
            } else {
                out.println("  home kept in " + home);
            }
            out.flush();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // stopped by a signal: the hook is running and returns now that everything is done
            }
        }
        return code;
    }

    private interface Closer {
        void close() throws Exception;
    }

    private void closeQuietly(Closer c, String what) {
        try {
            c.close();
        } catch (Exception | LinkageError e) {
            out.println("  (" + what + " did not close cleanly: " + e + ")");
        }
    }

    /** Normal tide, then a flood past the warning line, then the water recedes; again and again. */
    private void driveScenario(Simulator sim, GatewayRuntime runtime, CountDownLatch stop) {
        SiteModel site = sim.site();
        boolean smokeShown = false;
        try {
            while (stop.getCount() > 0) {
                sim.scenario(Scenario.NORMAL);
                print("scenario: normal tide");
                if (stop.await(6, TimeUnit.SECONDS)) {
                    return;
                }
                sim.scenario(Scenario.FLOOD);
                print("scenario: FLOOD — heavy rain, the river rises 0.3 m per 10 min (simulated)");
                while (site.level() < SiteModel.DANGER_LEVEL_M - 0.3 && !stop.await(250, TimeUnit.MILLISECONDS)) {
                    // wait for the level to pass the warning line with a margin
                }
                sim.scenario(Scenario.RECEDE);
                print("scenario: the rain stops, the river recedes");
                while (site.level() > SiteModel.WARNING_LEVEL_M - 0.6 && !stop.await(250, TimeUnit.MILLISECONDS)) {
                    // wait until well below the warning line so the alarm clears
                }
                if (!smokeShown && stop.getCount() > 0) {
                    smokeShown = true;
                    print("scenario: smoke in the pump room (the detector's contact closes for 4 s)");
                    smokeContact(runtime, true);
                    if (stop.await(4, TimeUnit.SECONDS)) {
                        return;
                    }
                    smokeContact(runtime, false);
                    print("scenario: the smoke clears");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes or opens the smoke detector's contact on the gateway's mock GPIO, through the GPIO driver's
     * {@code GpioMock} service. The service lives inside the framework, so it is called reflectively: its
     * interface is loaded by the driver bundle, not by this class path.
     */
    private void smokeContact(GatewayRuntime runtime, boolean closed) {
        try {
            var ctx = runtime.framework().getBundleContext();
            var refs = ctx.getAllServiceReferences("org.tidegate.driver.gpio.GpioMock", null);
            if (refs == null) {
                print("(no GPIO mock service: smoke not simulated)");
                return;
            }
            Object mock = ctx.getService(refs[0]);
            Class<?> api = mock.getClass().getClassLoader().loadClass("org.tidegate.driver.gpio.GpioMock");
            // gpio:27 is active low: closing the contact pulls the line low.
            api.getMethod("setLevel", int.class, boolean.class).invoke(mock, SMOKE_LINE, !closed);
            ctx.ungetService(refs[0]);
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException | RuntimeException e) {
            print("(could not drive the smoke contact: " + e + ")");
        }
    }

    private void show(Received m) {
        JsonNode b = m.body();
        String device = b == null ? "" : b.path("device").asText("");
        switch (m.opened().contentType()) {
            case TELEMETRY -> {
                telemetry.computeIfAbsent(device, k -> new AtomicLong()).incrementAndGet();
                StringBuilder sb = new StringBuilder();
                int n = 0;
                for (JsonNode s : b.path("samples")) {
                    if (n++ == 5) {
                        sb.append(" …");
                        break;
                    }
                    sb.append("  ").append(s.path("ch").asText()).append('=').append(value(s.path("v")));
                    if (!s.path("u").asText("").isEmpty()) {
                        sb.append(' ').append(s.path("u").asText());
                    }
                    if (!"good".equals(s.path("q").asText("good"))) {
                        sb.append(" (").append(s.path("q").asText()).append(')');
                    }
                }
                print(String.format("telemetry %-9s #%-5d%s", device, m.opened().sequence(), sb));
            }
            case ALARM -> {
                String state = b.path("state").asText("");
                if (b.path("event").asText().equals("action")) {
                    print(String.format(">>> ACTION    %s/%s -> %s  (%s)  #%d", device, b.path("ch").asText(), value(b.path("v")),
                            state, m.opened().sequence()));
                    return;
                }
                String event = b.path("event").asText();
                if (state.equals("raised")) {
                    raised.incrementAndGet();
                    raisedBy.computeIfAbsent(event, k -> new AtomicLong()).incrementAndGet();
                } else if (state.equals("cleared")) {
                    cleared.incrementAndGet();
                    clearedBy.computeIfAbsent(event, k -> new AtomicLong()).incrementAndGet();
                }
                print(String.format(">>> ALARM %-8s %-18s %s/%s = %s  severity=%s  priority=%d  #%d", state.toUpperCase(),
                        b.path("event").asText(), device, b.path("ch").asText(), value(b.path("v")),
                        b.path("severity").asText(), m.opened().priority(), m.opened().sequence()));
            }
            case STATUS -> {
                statuses.incrementAndGet();
                print("status    " + b.path("state").asText(b.path("status").asText("")) + " from " + m.opened().sender());
            }
            default -> print(m.opened().contentType() + " from " + m.opened().sender() + " #" + m.opened().sequence());
        }
    }

    private static String value(JsonNode v) {
        if (v.isFloatingPointNumber()) {
            return String.format("%.3f", v.asDouble());
        }
        return v.isMissingNode() ? "-" : v.asText();
    }

    private synchronized void print(String line) {
        out.println(LocalTime.now().format(TIME) + "  " + line);
        out.flush();
    }

    private int summary(boolean judge) {
        out.println();
        out.println("summary:");
        Map<String, Long> counts = new TreeMap<>();
        telemetry.forEach((k, v) -> counts.put(k, v.get()));
        for (String d : DEVICES) {
            out.printf("  %-9s %d telemetry message(s)%n", d, counts.getOrDefault(d, 0L));
        }
        out.printf("  alarms: %d raised, %d cleared; status messages: %d; refused: %d; repeats dropped: %d%n", raised.get(),
                cleared.get(), statuses.get(), refused.get(), duplicates.get());
        new TreeMap<>(raisedBy).forEach((event, n) -> out.printf("    %-18s %d raised, %d cleared%n", event, n.get(),
                clearedBy.getOrDefault(event, new AtomicLong()).get()));
        if (!judge) {
            return 0;
        }
        List<String> silent = DEVICES.stream().filter(d -> counts.getOrDefault(d, 0L) == 0).toList();
        boolean ok = silent.isEmpty() && raised.get() > 0 && cleared.get() > 0 && refused.get() == 0;
        if (!ok) {
            out.println("  NOT COMPLETE: " + (silent.isEmpty() ? "" : "no telemetry from " + silent + "; ")
                    + (raised.get() > 0 && cleared.get() > 0 ? "" : "no alarm both raised and cleared; ")
                    + (refused.get() == 0 ? "" : refused.get() + " message(s) refused"));
        }
        return ok ? 0 : 1;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
