package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.crypto.ContentType;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;
import org.tidegate.uplink.mqtt.UplinkState;

/** ssl:// broker URLs against mosquitto with a PKI made by openssl in the test. */
class TlsTest {
    @TempDir
    Path dir;
    TestPki pki;
    TestKeys keys;

    @BeforeEach
    void pki() throws Exception {
        assumeTrue(ExternalTools.usable("openssl"));
        pki = new TestPki(dir.resolve("pki"));
        pki.ca("ca");
        pki.ca("other-ca");
        pki.issue("ca", "broker", "IP:127.0.0.1,DNS:localhost");
        keys = TestKeys.create(dir);
    }

    @Test
    void connectsWithTheRightCaAndAClientCertificate() throws Exception {
        pki.issue("ca", "gateway-client", null);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"))
                .withTls(pki.dir.resolve("ca.crt"), pki.dir.resolve("broker.crt"), pki.key("broker"), true);
        broker.start();
        UplinkOptions o = DeliveryTest.options(broker.url()).withTls(pki.dir.resolve("ca.crt"),
                pki.dir.resolve("gateway-client.crt"), pki.key("gateway-client"));
        try (broker; UplinkRig rig = UplinkRig.open(dir.resolve("data"), o, keys.gateway().getPrivate(), "cloud",
                keys.cloud().getPublic(), null).start()) {
            assertTrue(broker.url().startsWith("ssl://"));
            awaitTrue(() -> rig.uplink().state().connected(), "TLS connection");
            for (int i = 0; i < 20; i++) {
                rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4, "{\"device\":\"wl-001\"}".getBytes(StandardCharsets.UTF_8));
            }
            awaitTrue(() -> rig.uplink().state().acknowledged() == 20, "20 PUBACKs over TLS");
            DeliveryTest.awaitEmpty(rig);
        }
    }

    @Test
    void refusesABrokerSignedByAnotherCaWithAClearLogLine() throws Exception {
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"))
                .withTls(pki.dir.resolve("ca.crt"), pki.dir.resolve("broker.crt"), pki.key("broker"), false);
        broker.start();
        Path log = dir.resolve("gateway.log");
        Process p = null;
        try (broker) {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                    GatewayProcess.class.getName(), dir.resolve("data").toString(), keys.dir().toString(), broker.url(),
                    "5", "0", pki.dir.resolve("other-ca.crt").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String expected = "uplink: TLS: the certificate of broker " + broker.url() + " is not trusted";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains(expected)) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    fail("no clear log line \"" + expected + "\" in:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
            String line = Files.readAllLines(log).stream().filter(l -> l.contains(expected)).findFirst().orElseThrow();
            assertTrue(line.contains("ERROR"), line);
            assertTrue(line.contains("other-ca.crt"), "names the CA file: " + line);
            assertFalse(Files.readString(log).contains("uplink: connected"), "never connected");
        } finally {
            if (p != null) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void refusesACertificateThatDoesNotNameTheHost() throws Exception {
        pki.issue("ca", "elsewhere", "DNS:broker.elsewhere.example");
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker"))
                .withTls(pki.dir.resolve("ca.crt"), pki.dir.resolve("elsewhere.crt"), pki.key("elsewhere"), false);
        broker.start();
        UplinkOptions o = DeliveryTest.options(broker.url()).withTls(pki.dir.resolve("ca.crt"), null, null);
        try (broker; UplinkRig rig = UplinkRig.open(dir.resolve("data"), o, keys.gateway().getPrivate(), "cloud",
                keys.cloud().getPublic(), null).start()) {
            awaitTrue(() -> rig.uplink().state().failures() >= 1, "a refused attempt");
            UplinkState s = rig.uplink().state();
            assertFalse(s.connected());
            assertEquals(0, s.connects());
            assertTrue(s.lastError().contains("hostname verification failed"), s.lastError());
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
