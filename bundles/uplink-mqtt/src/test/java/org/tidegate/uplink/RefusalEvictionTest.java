package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.store.QueueStats;
import org.tidegate.uplink.bench.UplinkRig;

/** A full store (the gateway offline) and a stream of refused commands: the refusals go, never the telemetry. */
class RefusalEvictionTest {
    @TempDir
    Path dir;

    @Test
    void refusalRepliesNeverEvictTelemetryFromAFullStore() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        try (UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options("tcp://127.0.0.1:9"),
                keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), q -> q.withMaxMessages(50))) {
            for (int i = 0; i < 50; i++) {
                rig.outbox().submit(ContentType.TELEMETRY, "wl-001", 4,
                        ("{\"device\":\"wl-001\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            EnvelopeSealer cloud = new EnvelopeSealer("cloud", keys.cloud().getPrivate(), keys.gateway().getPublic(),
                    SealerOptions.defaults());
            long old = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(10);
            for (int i = 0; i < 20; i++) { // stale: answered (rate-limited: 5 at once), at priority 3
                rig.commands().processor().accept(cloud.seal(ContentType.COMMAND, 9, 1000 + i, old,
                        ("{\"gateway\":\"" + DeliveryTest.GW + "\",\"op\":\"ping\"}").getBytes(StandardCharsets.UTF_8)));
            }
            long replies = rig.commands().processor().stats().refusalReplies();
            assertEquals(5, replies, "rate-limited");
            QueueStats s = rig.queue().stats();
            assertEquals(50, s.depthByPriority()[4], "all telemetry still queued");
            assertEquals(0, s.depthByPriority()[3], "the refusals were evicted, lowest priority first");
            assertEquals(replies, s.evictedTotal());
        }
    }
}
