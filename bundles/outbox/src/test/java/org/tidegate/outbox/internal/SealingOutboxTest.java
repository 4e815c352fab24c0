package org.tidegate.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.Opened;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Priority;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.outbox.Topics;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

class SealingOutboxTest {
    private static final String GW = "gw-zj-0001";

    @Test
    void numbersSealsAndStoresOnTheMessagesTopic(@TempDir Path dir) throws Exception {
        KeyPair gateway = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        EnvelopeSealer sealer = new EnvelopeSealer(GW, gateway.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
        EnvelopeOpener opener = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of(GW, gateway.getPublic()))
                .build();
        try (SqliteQueue queue = SqliteQueue.open(QueueOptions.defaults(dir.resolve("queue.db")));
             SequenceFile sequences = SequenceFile.open(dir.resolve("queue.seq"), SequenceFile.DEFAULT_BLOCK, false, 0)) {
            Outbox outbox = Outbox.create(new Topics("tidegate", GW), sequences, sealer, queue);
            byte[] body = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
            long t = outbox.submit(ContentType.TELEMETRY, "wl-001", Priority.TELEMETRY.value(), body);
            long a = outbox.submit(ContentType.ALARM, "wl-001", Priority.ALARM.value(), body);
            SealedMessage birth = outbox.seal(ContentType.STATUS, null, Priority.STATUS.value(), body);
            assertTrue(t < a && a < birth.sequence(), "one counter, strictly increasing");
            assertEquals("tidegate/" + GW + "/status", birth.topic());

            List<StoredMessage> stored = queue.takeBatch(10);
            assertEquals(2, stored.size(), "sealed-only messages are not stored");
            assertEquals("tidegate/" + GW + "/alarm/wl-001", stored.get(0).topic());
            assertEquals("tidegate/" + GW + "/telemetry/wl-001", stored.get(1).topic());
            Opened alarm = opener.open(stored.get(0).payload());
            assertEquals(ContentType.ALARM, alarm.contentType());
            assertEquals(9, alarm.priority());
            assertEquals(a, alarm.sequence());
            assertArrayEquals(body, alarm.body());
            assertEquals(5, opener.open(birth.frame()).priority());

            assertThrows(IllegalArgumentException.class, () -> outbox.submit(ContentType.TELEMETRY, "wl-001", 10, body));
            assertThrows(IllegalArgumentException.class,
                    () -> Outbox.create(new Topics("tidegate", "other-gw"), sequences, sealer, queue));
        }
    }
}
