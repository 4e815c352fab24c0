package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.model.Device;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.InMemoryDriver;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.Opened;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Topics;
import org.tidegate.pipeline.Pipeline;
import org.tidegate.pipeline.PipelineSettings;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * With the real outbox (SM2/SM4 sealing, SQLite store) and no MQTT session at all: the siren switches, and
 * the alarm and the action outcome sit sealed in the store, alarms ahead of telemetry, ready for the link.
 */
class OutboxFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GW = "gw-riverside-01";

    @Test
    void alarmsAndActionsAreSealedAndStoredWhileTheSirenSwitchesLocally(@TempDir Path dir) throws Exception {
        KeyPair gateway = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        EnvelopeSealer sealer = new EnvelopeSealer(GW, gateway.getPrivate(), cloud.getPublic(),
                SealerOptions.defaults());
        InMemoryDriver driver = new InMemoryDriver();
        List<StoredMessage> stored = new ArrayList<>();
        try (SqliteQueue queue = SqliteQueue.open(QueueOptions.defaults(dir.resolve("queue.db")));
             SequenceFile sequences = SequenceFile.open(dir.resolve("queue.seq"), SequenceFile.DEFAULT_BLOCK, false, 0)) {
            Outbox outbox = Outbox.create(new Topics("tidegate", GW), sequences, sealer, queue);
            Map<String, DevicePoller> pollers = new java.util.concurrent.ConcurrentHashMap<>();
            Pipeline pipeline = new Pipeline(PipelineSettings.defaults(GW), Clock.systemUTC(),
                    (d, c, v) -> {
                        if (!pollers.get(d).write(c, v).ok()) {
                            throw new IllegalStateException("write failed");
                        }
                    });
            pipeline.setSink(new OutboxMessageSink(outbox));
            pipeline.start();
            for (Device d : List.of(org.tidegate.pipeline.PipelineFlowTest.waterLevel(),
                    org.tidegate.pipeline.PipelineFlowTest.siren())) {
                pipeline.addDevice(d);
                pollers.put(d.id(), new DevicePoller(d, driver.open(d), () -> List.of(pipeline)));
            }
            driver.set("wl-001", "level", 3.49);
            pollers.get("wl-001").pollOnce();
            driver.set("wl-001", "level", 3.55);
            pollers.get("wl-001").pollOnce();
            long deadline = System.currentTimeMillis() + 20_000;
            while (queue.stats().messages() < 4 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            pipeline.close();
            pollers.values().forEach(DevicePoller::close);
            assertEquals(List.of("siren-01/siren=true"), driver.writes());
            stored.addAll(queue.takeBatch(100));
        }

        // 2 telemetry + 1 alarm + 1 action outcome; the drain order puts alarm-priority messages first.
        assertEquals(4, stored.size(), stored.toString());
        assertEquals(List.of(9, 9, 4, 4), stored.stream().map(StoredMessage::priority).toList());
        assertEquals(List.of("tidegate/" + GW + "/alarm/wl-001", "tidegate/" + GW + "/alarm/siren-01",
                        "tidegate/" + GW + "/telemetry/wl-001", "tidegate/" + GW + "/telemetry/wl-001"),
                stored.stream().map(StoredMessage::topic).toList());

        EnvelopeOpener opener = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of(GW, gateway.getPublic()))
                .build();
        Opened alarm = opener.open(stored.get(0).payload());
        assertEquals(ContentType.ALARM, alarm.contentType());
        assertEquals(9, alarm.priority());
        assertTrue(alarm.encrypted() && alarm.signed());
        JsonNode a = JSON.readTree(alarm.body());
        assertEquals("level_warning", a.get("event").asText());
        assertEquals("raised", a.get("state").asText());
        assertEquals(3.55, a.get("v").asDouble(), 1e-6);
        JsonNode action = JSON.readTree(opener.open(stored.get(1).payload()).body());
        assertEquals("action", action.get("kind").asText());
        assertEquals("done", action.get("state").asText());
        Opened telemetry = opener.open(stored.get(2).payload());
        assertEquals(ContentType.TELEMETRY, telemetry.contentType());
        assertEquals(3.49, JSON.readTree(telemetry.body()).get("samples").get(0).get("v").asDouble(), 1e-6);
    }
}
