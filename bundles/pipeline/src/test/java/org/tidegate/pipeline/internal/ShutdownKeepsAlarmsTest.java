package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.crypto.ContentType;
import org.tidegate.pipeline.Pipeline;
import org.tidegate.pipeline.PipelineFlowTest;
import org.tidegate.pipeline.PipelineSettings;

/**
 * Issue 11: "SIGTERM with a full disk ... those two alarms never arrived". A pipeline closed (deactivated) while
 * its outbox cannot store keeps every alarm in its pending file, alarms first, and telemetry as far as the file
 * goes; the next start hands them to the outbox and its status message reports what was lost.
 */
class ShutdownKeepsAlarmsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Pipeline pipeline(FullDiskRig rig, Path pending, int routineQueue) throws Exception {
        Pipeline p = new Pipeline(PipelineSettings.defaults(FullDiskRig.GW).withRoutineQueue(routineQueue),
                Clock.systemUTC(), (d, c, v) -> { });
        p.setPendingFile(pending);
        p.addDevice(PipelineFlowTest.waterLevel());
        p.setSink(rig.sink());
        return p.start();
    }

    /** Raises and clears the level alarm around {@code telemetry} polls of varying level. */
    private static void feed(Pipeline p, int telemetry) {
        long t = 1_000_000;
        p.accept(AlarmOvertakesRefusedTelemetryTest.poll(t += 1000, 3.6)); // level_warning (+ rising fast) raised
        for (int i = 0; i < telemetry; i++) {
            p.accept(AlarmOvertakesRefusedTelemetryTest.poll(t += 1000, 1.0 + (i % 2) * 0.1));
        }
    }

    @Test
    void alarmsTheStoreHeldOnlyInMemoryAreKeptAtCloseAndReachTheOutboxAfterRestart(@TempDir Path dir)
            throws Exception {
        Path pending = dir.resolve("home/data/" + PendingFile.NAME);
        int alarmsBefore;
        long closeMs;
        try (FullDiskRig full = new FullDiskRig(dir.resolve("full"), true)) {
            Pipeline p = pipeline(full, pending, 10_000);
            feed(p, 20);
            full.await(ContentType.ALARM, 3, 5_000);
            Thread.sleep(300);
            alarmsBefore = full.accepted(ContentType.ALARM).size(); // accepted: held in the store's memory
            assertTrue(alarmsBefore >= 3, "raised, cleared: " + alarmsBefore);
            assertTrue(full.queue.stats().heldInMemory() >= alarmsBefore);
            long t0 = System.nanoTime();
            p.close();
            closeMs = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.println("close with the store refusing routine data took " + closeMs + " ms");
        assertTrue(closeMs < 3_000, "close took " + closeMs + " ms");
        PendingFile kept = PendingFile.open(pending);
        assertEquals(alarmsBefore, kept.entries().stream().filter(e -> e.kind() == org.tidegate.pipeline.MessageKind.ALARM).count());
        assertTrue(kept.entries().size() > alarmsBefore, "telemetry kept too: " + kept.entries().size());
        assertEquals(0, kept.lost());

        // Restart on a working store: the kept messages reach the outbox, alarms first.
        try (FullDiskRig ok = new FullDiskRig(dir.resolve("ok"), false)) {
            Pipeline p = pipeline(ok, pending, 10_000);
            try {
                List<FullDiskRig.Accepted> alarms = ok.await(ContentType.ALARM, alarmsBefore, 5_000);
                assertEquals(alarmsBefore, alarms.size());
                assertEquals("raised", JSON.readTree(alarms.get(0).body()).get("state").asText());
                assertTrue(ok.await(ContentType.TELEMETRY, 20, 5_000).size() >= 20);
                assertTrue(alarms.get(alarmsBefore - 1).atNanos()
                        <= ok.accepted(ContentType.TELEMETRY).get(0).atNanos(), "alarms first");
                p.publishStatus();
                JsonNode status = JSON.readTree(ok.await(ContentType.STATUS, 1, 5_000).get(0).body());
                assertEquals(0, status.get("pipeline").get("lostAtLastShutdown").asLong());
                assertTrue(status.get("pipeline").get("keptAtLastShutdown").asLong() > alarmsBefore);
                awaitSettled(pending);
            } finally {
                p.close();
            }
        }
        assertTrue(PendingFile.open(pending).entries().isEmpty(), "nothing handed over twice");
    }

    @Test
    void closeWhileTheOutboxRefusesEverythingKeepsEveryAlarmAndCountsTheTelemetryThatDidNotFit(@TempDir Path dir)
            throws Exception {
        Path pending = dir.resolve("home/data/" + PendingFile.NAME);
        int polls = 12_000; // about 1.6 MB of telemetry bodies: more than the 1 MiB file holds
        long closeMs;
        try (FullDiskRig full = new FullDiskRig(dir.resolve("full"), true)) {
            full.refuseAll = true;
            Pipeline p = pipeline(full, pending, 20_000);
            feed(p, polls);
            Thread.sleep(300);
            assertEquals(0, full.accepted.size());
            long t0 = System.nanoTime();
            p.close();
            closeMs = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.println("close with the outbox refusing everything took " + closeMs + " ms");
        assertTrue(closeMs < 3_000, "close took " + closeMs + " ms");
        PendingFile kept = PendingFile.open(pending);
        long alarmsKept = kept.entries().stream().filter(e -> e.kind() == org.tidegate.pipeline.MessageKind.ALARM).count();
        long telemetryKept = kept.entries().size() - alarmsKept;
        assertTrue(alarmsKept >= 2, "alarms kept: " + alarmsKept);
        assertTrue(kept.lost() > 0 && telemetryKept > 0, "kept " + telemetryKept + ", lost " + kept.lost());
        assertEquals(polls + 1, telemetryKept + kept.lost(), "every telemetry message kept or counted");

        try (FullDiskRig ok = new FullDiskRig(dir.resolve("ok"), false)) {
            Pipeline p = pipeline(ok, pending, 20_000);
            try {
                assertEquals(alarmsKept, ok.await(ContentType.ALARM, (int) alarmsKept, 5_000).size(), "no alarm lost");
                // The status queues behind the kept telemetry (thousands of seals and commits on two cores).
                assertEquals(telemetryKept, ok.await(ContentType.TELEMETRY, (int) telemetryKept, 120_000).size());
                p.publishStatus();
                List<FullDiskRig.Accepted> status = ok.await(ContentType.STATUS, 1, 10_000);
                JsonNode pipelineSection = JSON.readTree(status.get(0).body()).get("pipeline");
                assertEquals(kept.lost(), pipelineSection.get("lostAtLastShutdown").asLong(), pipelineSection.toString());
                assertEquals(kept.entries().size(), pipelineSection.get("keptAtLastShutdown").asLong());
                awaitSettled(pending);
            } finally {
                p.close();
            }
        }
        PendingFile after = PendingFile.open(pending);
        assertEquals(0, after.lost(), "reported once: the next start does not report it again");
        assertTrue(after.entries().isEmpty());
    }

    private static void awaitSettled(Path pending) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            PendingFile f = PendingFile.open(pending);
            if (f.entries().isEmpty() && f.lost() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the pending file was not settled");
    }
}
