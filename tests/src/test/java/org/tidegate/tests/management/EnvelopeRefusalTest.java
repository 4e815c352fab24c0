package org.tidegate.tests.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.cloud.CommandSequence;
import org.tidegate.cloud.RemoteManagement;
import org.tidegate.cloud.RemoteManagement.Reply;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.demo.DemoHome;

/**
 * The refusal cases of the envelope, through the real command path (broker → uplink → opener), each carrying a
 * configuration change: a replayed frame, a stale one, one sealed with an unknown key, one with a flipped byte, and
 * one bound to another gateway. None is applied: the revision and the files stay as they were, and the management
 * audit never sees them.
 */
@Timeout(200)
class EnvelopeRefusalTest {
    @TempDir
    Path tmp;

    @Test
    void refusedEnvelopesApplyNothing() throws Exception {
        try (ManagementRig rig = new ManagementRig(tmp, 3, 3)) {
            rig.startGateway("pm-001");
            long r1 = rig.mgmt.getConfig().result().path("revision").asLong();
            EnvelopeSealer cloud = new EnvelopeSealer(DemoHome.CLOUD_ID, rig.demo.cloudKey(), rig.demo.gatewayPublicKey(),
                    SealerOptions.defaults().withEncrypt(true).withSign(true));
            CommandSequence seq = new CommandSequence(tmp.resolve("cloud.seq"));
            String topic = "tidegate/" + DemoHome.GATEWAY_ID + "/command";
            MqttClient raw = new MqttClient(rig.broker.url(), "refusal-test", new MemoryPersistence());
            raw.connect();
            try {
                // a legitimate change, applied; then undone by a second one
                byte[] addFrame = cloud.seal(ContentType.COMMAND, 9, seq.next(), body(rig, "evil-01", r1, DemoHome.GATEWAY_ID));
                publish(raw, topic, addFrame);
                rig.waitFor(Duration.ofSeconds(30), () -> Files.exists(rig.home.resolve("devices/evil-01.json")), "evil-01 added");
                long r2 = awaitRevisionAbove(rig, r1);
                Reply del = rig.mgmt.deleteDevice(r2, "evil-01");
                assertTrue(del.ok(), del.reply()::toString);
                long r3 = del.result().path("revision").asLong();
                int auditBefore = Files.readAllLines(rig.home.resolve("management/audit.log")).size();

                // 1. replayed: the first frame again, byte for byte
                publish(raw, topic, addFrame);
                // 2. stale: created 10 minutes ago (the window is ±5 min)
                publish(raw, topic, cloud.seal(ContentType.COMMAND, 9, seq.next(), System.currentTimeMillis() - 600_000,
                        body(rig, "evil-02", r3, DemoHome.GATEWAY_ID)));
                // 3. unknown key: the cloud's id, someone else's key
                KeyPair other = SmKeys.generate();
                EnvelopeSealer impostor = new EnvelopeSealer(DemoHome.CLOUD_ID, other.getPrivate(), rig.demo.gatewayPublicKey(),
                        SealerOptions.defaults().withEncrypt(true).withSign(true));
                publish(raw, topic, impostor.seal(ContentType.COMMAND, 9, seq.next(), body(rig, "evil-03", r3, DemoHome.GATEWAY_ID)));
                // 4. one flipped byte in the sealed body
                byte[] flipped = cloud.seal(ContentType.COMMAND, 9, seq.next(), body(rig, "evil-04", r3, DemoHome.GATEWAY_ID));
                flipped[flipped.length - 90] ^= 0x01;
                publish(raw, topic, flipped);
                // 5. another gateway's command, sealed for this gateway's key
                publish(raw, topic, cloud.seal(ContentType.COMMAND, 9, seq.next(), body(rig, "evil-05", r3, "gw-other-02")));

                Thread.sleep(3000);
                Reply get = rig.mgmt.getConfig(); // behind anything the gateway might still be doing
                assertEquals(r3, get.result().path("revision").asLong(), get.reply()::toString);
                for (int i = 1; i <= 5; i++) {
                    assertFalse(Files.exists(rig.home.resolve("devices/evil-0" + i + ".json")), "evil-0" + i + " applied");
                }
                List<String> audit = Files.readAllLines(rig.home.resolve("management/audit.log"));
                assertEquals(auditBefore + 1, audit.size(), "only the config.get above reached management: " + audit);
                // the refusals that passed the signature check are answered, saying why
                Set<String> answered = rig.arrivals.stream().filter(a -> a.opened().contentType() == ContentType.REPLY)
                        .map(a -> a.body().path("refused").asText("")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
                assertTrue(answered.containsAll(Set.of("REPLAYED", "STALE", "WRONG_GATEWAY")), answered::toString);
            } finally {
                raw.disconnect();
                raw.close();
            }
        }
    }

    private static long awaitRevisionAbove(ManagementRig rig, long r) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            long now = rig.mgmt.getConfig().result().path("revision").asLong();
            if (now > r) {
                return now;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("revision did not move past " + r);
    }

    private static byte[] body(ManagementRig rig, String device, long base, String gateway) throws Exception {
        ObjectNode c = RemoteManagement.op("config.put.device").put("gateway", gateway).put("id", "refusal-" + device)
                .put("baseRevision", base);
        c.set("device", rig.pumpDevice(device, rig.modbusPort));
        return c.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void publish(MqttClient c, String topic, byte[] frame) throws Exception {
        MqttMessage m = new MqttMessage(frame);
        m.setQos(1);
        c.publish(topic, m);
    }
}
