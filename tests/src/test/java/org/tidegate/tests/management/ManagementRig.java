package org.tidegate.tests.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.CommandSender;
import org.tidegate.cloud.CommandSequence;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.cloud.RemoteManagement;
import org.tidegate.cloud.broker.EmbeddedBroker;
import org.tidegate.cloud.broker.LabBroker;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.demo.DemoHome;
import org.tidegate.simulator.Simulator;

/**
 * What the remote-management tests run: a real broker process (mosquitto; required when CI is set), the Modbus
 * simulators over TCP, the packaged gateway ({@code tidegate run}, its own JVM, killed with SIGKILL where a test
 * says so) on a real home with the power meter {@code pm-001}, the cloud receiver and the cloud's
 * {@link RemoteManagement}.
 */
final class ManagementRig implements AutoCloseable {
    static final Path DIST = Path.of("../launcher/target/tidegate/bin/tidegate").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    final Path tmp;
    final LabBroker broker;
    final Simulator sim = new Simulator(1.0);
    final int modbusPort;
    final DemoHome demo;
    final Path home;
    final List<Received> arrivals = new CopyOnWriteArrayList<>();
    final List<Refused> refused = new CopyOnWriteArrayList<>();
    private final CloudReceiver receiver;
    private final CommandSender sender;
    final RemoteManagement mgmt;
    Process gateway;
    /** Start the gateway as systemd would (stderr is the journal): it then logs to the journal only, no file. */
    boolean journalOnly;
    private int starts;

    ManagementRig(Path tmp, int trialSeconds, int brokerTrialSeconds) throws Exception {
        this.tmp = tmp;
        if (!MosquittoBroker.installed() && System.getenv("CI") != null) {
            throw new AssertionError("mosquitto is required in CI (apt-get install mosquitto)");
        }
        broker = MosquittoBroker.installed() ? new MosquittoBroker(tmp.resolve("mosquitto")) : new EmbeddedBroker(0);
        broker.start();
        modbusPort = sim.startTcp("127.0.0.1", 0);
        home = tmp.resolve("home");
        demo = DemoHome.create(home, broker.url()).powerMeter("pm-001", "127.0.0.1", modbusPort, 500);
        ObjectNode g = (ObjectNode) JSON.readTree(Files.readString(home.resolve("gateway.json")));
        g.putObject("management").put("trialSeconds", trialSeconds).put("brokerTrialSeconds", brokerTrialSeconds);
        Files.writeString(home.resolve("gateway.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(g));
        EnvelopeOpener opener = EnvelopeOpener.builder(demo.cloudKey(),
                TrustedSenders.of(DemoHome.GATEWAY_ID, demo.gatewayPublicKey())).duplicateFilter(new DuplicateFilter()).build();
        receiver = new CloudReceiver(BrokerConnection.of(broker.url(), "mgmt-rx").persistent("mgmt-rx"), "tidegate", opener,
                new CloudReceiver.Listener() {
                    @Override
                    public void accepted(Received m) {
                        arrivals.add(m);
                    }

                    @Override
                    public void refused(Refused m) {
                        refused.add(m);
                    }
                }, 300);
        receiver.start();
        if (!receiver.awaitSubscribed(20, TimeUnit.SECONDS)) {
            throw new AssertionError("receiver did not subscribe");
        }
        sender = new CommandSender(BrokerConnection.of(broker.url(), "mgmt-cmd"), "tidegate", DemoHome.CLOUD_ID,
                demo.cloudKey(), DemoHome.GATEWAY_ID, demo.gatewayPublicKey(), new CommandSequence(tmp.resolve("cloud.seq")));
        mgmt = new RemoteManagement(sender, Duration.ofSeconds(90));
    }

    CommandSender sender() {
        return sender;
    }

    /** Starts the gateway and waits for telemetry of {@code device} (if not null). */
    void startGateway(String device) throws Exception {
        starts++;
        long t0 = System.currentTimeMillis();
        ProcessBuilder pb = new ProcessBuilder(DIST.toString(), "run", "--home", home.toString(), "--scan-seconds", "1")
                .redirectErrorStream(true).redirectOutput(out().toFile());
        if (journalOnly) {
            pb.environment().put("JOURNAL_STREAM", "8:4242"); // what systemd sets for a unit whose stderr is the journal
        }
        gateway = pb.start();
        if (device != null) {
            waitFor(Duration.ofSeconds(90), () -> telemetrySince(device, t0) > 0, "telemetry from " + device);
        }
    }

    Path out() {
        return tmp.resolve("gateway-" + starts + ".out");
    }

    void kill() throws InterruptedException {
        if (gateway != null) {
            gateway.destroyForcibly(); // SIGKILL on Linux
            gateway.waitFor(30, TimeUnit.SECONDS);
            gateway = null;
        }
    }

    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
            gateway = null;
        }
    }

    long telemetrySince(String device, long since) {
        return arrivals.stream().filter(a -> a.opened().contentType() == ContentType.TELEMETRY
                && device.equals(a.body().path("device").asText()) && a.opened().createdAtMillis() >= since).count();
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** An inline Modbus TCP device on the simulator: the power meter's pump coil (writable) and L1 voltage. */
    ObjectNode pumpDevice(String id, int port) throws IOException {
        return (ObjectNode) json("""
                { "id": "%s", "protocol": "modbus", "pollIntervalMs": 500, "timeoutMs": 300, "retries": 0,
                  "connection": { "transport": "tcp", "host": "127.0.0.1", "port": %d, "unit": 2 },
                  "channels": [
                    { "id": "pump", "address": "coil:0", "type": "bool", "access": "readwrite" },
                    { "id": "voltage", "address": "ir:0", "type": "float32", "unit": "V" } ] }
                """.formatted(id, port));
    }

    void waitFor(Duration max, BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what + "\n--- gateway output ---\n" + output());
    }

    String output() throws IOException {
        return Files.exists(out()) ? Files.readString(out()) : "";
    }

    @Override
    public void close() throws Exception {
        stop();
        sender.close();
        receiver.close();
        sim.close();
        broker.close();
    }
}
