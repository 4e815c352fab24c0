package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.crypto.ContentType;
import org.tidegate.pipeline.Pipeline;
import org.tidegate.pipeline.PipelineFlowTest;
import org.tidegate.pipeline.PipelineSettings;
import org.tidegate.store.EvictionReason;

/**
 * Issue 11: while the disk was full, alarms reached the outbox 3.6–4.9 s late, stuck behind the telemetry retry
 * back-off. With the real outbox over a real store that refuses routine appends (alarms are held in memory), the
 * routine lane backs off up to 5 s and an alarm still reaches the outbox within a second.
 */
class AlarmOvertakesRefusedTelemetryTest {

    static SampleBatch poll(long t, double level) {
        return new SampleBatch("wl-001", t, List.of(Sample.good("wl-001", "level", t, level, "m")));
    }

    /** When the first alarm accepted at or after {@code before} was accepted (waits up to 10 s). */
    private static long firstAlarmAfter(FullDiskRig rig, long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            java.util.OptionalLong at = rig.accepted(ContentType.ALARM).stream()
                    .mapToLong(FullDiskRig.Accepted::atNanos).filter(a -> a >= before).min();
            if (at.isPresent()) {
                return at.getAsLong();
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no alarm reached the outbox within 10 s");
    }

    @Test
    void anAlarmReachesTheOutboxWithinASecondWhileTelemetryIsRefusedAndRetried(@TempDir Path dir) throws Exception {
        try (FullDiskRig rig = new FullDiskRig(dir, true)) {
            Pipeline pipeline = new Pipeline(PipelineSettings.defaults(FullDiskRig.GW), Clock.systemUTC(),
                    (d, c, v) -> { });
            pipeline.addDevice(PipelineFlowTest.waterLevel());
            pipeline.setSink(rig.sink());
            pipeline.start();
            try {
                long t = 1_000_000;
                List<Long> latenciesMs = new ArrayList<>();
                long start = System.nanoTime();
                // 9 s of telemetry every 50 ms (refused: the back-off reaches its 5 s cap), an alarm raised every
                // ~1.3 s (and cleared by the next poll), landing at different points of the telemetry back-off.
                for (int i = 0; System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9); i++) {
                    t += 50;
                    if (i > 0 && i % 26 == 0) {
                        long before = System.nanoTime();
                        pipeline.accept(poll(t, 3.6)); // raised; the next routine poll clears it
                        long first = firstAlarmAfter(rig, before);
                        latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(first - before));
                    } else {
                        pipeline.accept(poll(t, 1.0 + (i % 2) * 0.1));
                    }
                    Thread.sleep(50);
                }
                long refused = rig.queue.stats().evicted(EvictionReason.STORAGE_UNAVAILABLE);
                System.out.println("alarm latency while telemetry is refused (ms): " + latenciesMs
                        + "; routine appends refused: " + refused);
                assertTrue(latenciesMs.size() >= 5, "alarms raised: " + latenciesMs);
                assertTrue(refused > 3, "the store refused telemetry (retried with back-off): " + refused);
                assertEquals(0, rig.accepted(ContentType.TELEMETRY).size(), "no telemetry was stored");
                for (long ms : latenciesMs) {
                    assertTrue(ms < 1000, "alarm latency " + ms + " ms; all: " + latenciesMs);
                }
            } finally {
                pipeline.close();
            }
        }
    }
}
