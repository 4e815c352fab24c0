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
                // 9 s of telemetry every 50 ms (refused: the back-off reaches its 5 s cap), an alarm raised and
                // cleared every ~1.3 s, landing at different points of the telemetry back-off.
                for (int i = 0; System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9); i++) {
                    t += 50;
                    if (i > 0 && i % 26 == 0) {
                        boolean raise = (i / 26) % 2 == 1;
                        int seen = rig.accepted(ContentType.ALARM).size();
                        long before = System.nanoTime();
                        pipeline.accept(poll(t, raise ? 3.6 : 1.0));
                        rig.await(ContentType.ALARM, seen + 1, 10_000);
                        long first = rig.accepted(ContentType.ALARM).stream().mapToLong(FullDiskRig.Accepted::atNanos)
                                .filter(at -> at >= before).min().orElseThrow(() -> new AssertionError("no alarm"));
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
