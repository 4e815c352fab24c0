package org.tidegate.uplink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeException.Reason;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.uplink.bench.UplinkRig;
import org.tidegate.uplink.mqtt.CommandQueue;

/**
 * An attacker with publish rights floods the command topic with junk and with copies of a command it captured,
 * faster than signatures can be verified; a genuine command sent meanwhile must still run (it was refused as
 * QUEUE_FULL, 4 of 6 pings lost, in an outside test). Frames go straight into the queue, as the MQTT thread hands them.
 */
@Timeout(60)
class CommandFloodTest {
    @TempDir
    Path dir;

    @Test
    void aGenuineCommandGetsThroughAFloodOfJunkAndCopies() throws Exception {
        TestKeys keys = TestKeys.create(dir);
        try (UplinkRig rig = UplinkRig.open(dir.resolve("data"), DeliveryTest.options("tcp://127.0.0.1:9"),
                keys.gateway().getPrivate(), "cloud", keys.cloud().getPublic(), null)) {
            CommandQueue queue = rig.commands();
            EnvelopeSealer cloud = new EnvelopeSealer("cloud", keys.cloud().getPrivate(), keys.gateway().getPublic(),
                    SealerOptions.defaults());
            long seq = System.currentTimeMillis() * 1000;
            byte[] captured = ping(cloud, seq);
            queue.accept(captured);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queue.processor().stats().accepted() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(queue.processor().stats().accepted() == 1, "the captured command ran once");

            AtomicBoolean stop = new AtomicBoolean();
            Thread flood = new Thread(() -> {
                byte[] junk = new byte[300];
                while (!stop.get()) {
                    queue.accept(captured.clone());
                    ThreadLocalRandom.current().nextBytes(junk);
                    queue.accept(junk.clone());
                }
            });
            flood.start();
            int through = 0;
            try {
                for (int i = 1; i <= 5; i++) {
                    Thread.sleep(200);
                    long before = queue.processor().stats().accepted();
                    queue.accept(ping(cloud, seq + i));
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (queue.processor().stats().accepted() == before && System.nanoTime() < until) {
                        Thread.sleep(5);
                    }
                    through += queue.processor().stats().accepted() > before ? 1 : 0;
                }
            } finally {
                stop.set(true);
                flood.join();
            }
            var stats = queue.processor().stats();
            System.out.printf("command flood: %d of 5 genuine commands ran; refused %s, queue full %d%n", through,
                    stats.refused(), queue.refusedFull());
            assertTrue(through == 5, through + " of 5 genuine commands ran during the flood");
            assertTrue(stats.refused().getOrDefault(Reason.REPLAYED, 0L) > 1000, stats.refused().toString());
        }
    }

    private static byte[] ping(EnvelopeSealer cloud, long seq) {
        return cloud.seal(ContentType.COMMAND, 9, seq,
                ("{\"gateway\":\"" + DeliveryTest.GW + "\",\"op\":\"ping\"}").getBytes(StandardCharsets.UTF_8));
    }
}
