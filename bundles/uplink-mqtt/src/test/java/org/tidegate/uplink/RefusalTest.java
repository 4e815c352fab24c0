package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.broker.MosquittoBroker;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.UplinkOptions;
import org.tidegate.uplink.mqtt.UplinkState;

/** Bad credentials: refused, said clearly (without the password), retried slowly; good ones connect. */
class RefusalTest {
    @TempDir
    Path dir;

    @Test
    void badCredentialsAreReportedAndRetriedAtTheCap() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        MosquittoBroker broker = Brokers.mosquitto(dir.resolve("broker")).withUser("gw-test-0001", "right-secret");
        broker.start();
        UplinkOptions wrong = DeliveryTest.options(broker.url()).withReconnect(100, 3000)
                .withCredentials("gw-test-0001", "wrong-secret-123");
        try (broker; UplinkRig rig = UplinkRig.open(dir.resolve("data"), wrong, keys.gateway().getPrivate(), "cloud",
                keys.cloud().getPublic(), null).start()) {
            TlsTest.awaitTrue(() -> rig.uplink().state().failures() >= 1, "a refused attempt");
            Thread.sleep(2500);
            UplinkState s = rig.uplink().state();
            assertFalse(s.connected());
            assertTrue(s.lastError().contains("refused") && s.lastError().contains("\"gw-test-0001\""), s.lastError());
            assertFalse(s.lastError().contains("wrong-secret-123"), "never the password");
            assertFalse(rig.uplink().options().toString().contains("wrong-secret-123"));
            // at the cap (1.5–3 s) instead of 100 ms doubling: at most 2 attempts in ~2.5 s
            assertTrue(s.failures() <= 2, "retried slowly, not " + s.failures() + " times");
        }
        try (UplinkRig rig = UplinkRig.open(dir.resolve("data2"), wrong.withCredentials("gw-test-0001", "right-secret"),
                keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null).start()) {
            broker.start();
            TlsTest.awaitTrue(() -> rig.uplink().state().connected(), "connection with the right password");
            assertEquals(1, rig.uplink().state().connects());
        } finally {
            broker.stop();
        }
    }
}
