package org.tidegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.pipeline.RecordingSink.Message;

public class PipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);

    private final List<String> writes = Collections.synchronizedList(new ArrayList<>());
    private final RecordingSink sink = new RecordingSink();
    private Pipeline pipeline;

    @AfterEach
    void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** Rules JSON text written with single quotes; checked to be JSON. */
    public static String json(String s) throws Exception {
        String text = s.replace('\'', '"');
        JSON.readTree(text);
        return text;
    }

    static Device waterLevel() throws Exception {
        Channel level = new Channel("level", "hr:0", DataType.FLOAT32, null, null, 0, 1, 0, "m", Access.READ, null, json("""
                        { 'thresholds': [ { 'event': 'level_warning', 'above': 3.5, 'hysteresis': 0.05,
                            'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] } ] }"""));
        return new Device("wl-001", "radar-level", "memory", null, null, 0, List.of(level), null);
    }

    static SampleBatch poll(long t, double level) {
        return new SampleBatch("wl-001", t, List.of(Sample.good("wl-001", "level", t, level, "m")));
    }

    private Pipeline start(PipelineSettings settings, ActionWriter writer) throws Exception {
        pipeline = new Pipeline(settings, CLOCK, writer);
        pipeline.addDevice(waterLevel());
        pipeline.setSink(sink);
        return pipeline.start();
    }

    private void recordWrite(String device, String channel, Object value) {
        writes.add(device + "/" + channel + "=" + value);
    }

    @Test
    void alarmsGoWithPriorityNineTelemetryWithFour() throws Exception {
        start(PipelineSettings.defaults("gw-zj-0001"), this::recordWrite);
        pipeline.accept(poll(1000, 3.0));
        pipeline.accept(poll(2000, 3.6));
        pipeline.accept(poll(3000, 3.0));
        List<Message> alarms = sink.await(m -> m.kind() == MessageKind.ALARM && "alarm".equals(m.text("kind")), 2);
        assertEquals(List.of("raised", "cleared"), alarms.stream().map(m -> m.text("state")).toList());
        alarms.forEach(m -> assertEquals(9, m.priority()));
        alarms.forEach(m -> assertEquals("wl-001", m.device()));
        assertEquals("gw-zj-0001", alarms.get(0).text("gateway"));
        List<Message> telemetry = sink.await(m -> m.kind() == MessageKind.TELEMETRY, 3);
        telemetry.forEach(m -> assertEquals(4, m.priority()));
        assertEquals(3.6, telemetry.get(1).body().get("samples").get(0).get("v").asDouble(), 1e-6);
        List<Message> actions = sink.await(m -> "action".equals(m.text("kind")), 2);
        actions.forEach(m -> assertEquals(9, m.priority()));
        assertEquals("siren-01", actions.get(0).device());
        assertEquals(List.of("siren-01/siren=true", "siren-01/siren=false"), writes);
    }

    /** The console restarted by a reload is an observer added late: it must start with the alarms raised now. */
    @Test
    void anObserverAddedWhileAnAlarmIsRaisedIsToldOfItFirst() throws Exception {
        start(PipelineSettings.defaults("gw"), this::recordWrite);
        pipeline.accept(poll(1000, 3.6));
        sink.await(m -> m.kind() == MessageKind.ALARM && "alarm".equals(m.text("kind")), 1);
        List<String> late = Collections.synchronizedList(new ArrayList<>());
        pipeline.addObserver(e -> late.add(e.key() + " " + e.state() + " t=" + e.t()));
        assertEquals(List.of("wl-001/level_warning raised t=1000"), late, "told of the open alarm with its own time");
        pipeline.accept(poll(2000, 3.0));
        assertEquals(List.of("wl-001/level_warning raised t=1000", "wl-001/level_warning cleared t=2000"),
                late);
        List<String> later = new ArrayList<>();
        pipeline.addObserver(e -> later.add(e.key()));
        assertEquals(List.of(), later, "a cleared alarm is not told again");
    }

    @Test
    void batchPollsGroupsSamplesPerDeviceAndAnAlarmFlushesEarly() throws Exception {
        start(PipelineSettings.defaults("gw").withBatchPolls(3), this::recordWrite);
        for (int i = 0; i < 7; i++) {
            pipeline.accept(poll(i * 1000L, 1.0 + i * 0.01));
        }
        List<Message> t = sink.await(m -> m.kind() == MessageKind.TELEMETRY, 2);
        assertEquals(List.of(3, 3), t.stream().map(m -> m.body().get("samples").size()).toList());
        pipeline.accept(poll(7000, 3.9)); // second poll of the third batch, raises an alarm
        t = sink.await(m -> m.kind() == MessageKind.TELEMETRY, 3);
        assertEquals(2, t.get(2).body().get("samples").size(), "the alarm flushed the batch after 2 polls");
        pipeline.accept(poll(8000, 3.9));
        pipeline.close();
        assertEquals(1, sink.messages(MessageKind.TELEMETRY).get(3).body().get("samples").size(),
                "close flushes what is pending");
        assertEquals(8, sink.messages(MessageKind.TELEMETRY).stream()
                .mapToInt(m -> m.body().get("samples").size()).sum() - 1, "every sample once");
    }

    @Test
    void withoutASinkMessagesWaitRoutineOverflowIsCountedAlarmsAreKept() throws Exception {
        pipeline = new Pipeline(PipelineSettings.defaults("gw").withRoutineQueue(5), CLOCK, this::recordWrite);
        pipeline.addDevice(waterLevel());
        pipeline.start();
        for (int i = 0; i < 40; i++) {
            pipeline.accept(poll(i * 1000L, i % 2 == 0 ? 3.0 : 4.0)); // raise, clear, raise ...
        }
        // The siren switched although no message can leave: local actions never wait for the uplink.
        awaitWrites(1);
        assertEquals("siren-01/siren=true", writes.get(0));
        PipelineStats s = pipeline.stats();
        assertEquals(39, s.alarms(), "every poll after the first moves the alarm");
        assertTrue(s.dropped() >= 40 - 6, "routine lane holds 5 (+1 in the worker's hands): " + s);
        pipeline.setSink(sink);
        List<Message> alarms = sink.await(m -> "alarm".equals(m.text("kind")), 39);
        assertEquals(39, alarms.size(), "every transition after the first sample");
        for (int i = 0; i < alarms.size(); i++) {
            assertEquals(i % 2 == 0 ? "raised" : "cleared", alarms.get(i).text("state"), "in order");
        }
    }

    @Test
    void aRefusingSinkIsRetriedForAlarmsAndEvents() throws Exception {
        sink.down(true);
        start(PipelineSettings.defaults("gw"), this::recordWrite);
        pipeline.accept(poll(0, 4.0));
        awaitWrites(1);
        long deadline = System.currentTimeMillis() + 20_000;
        while (sink.refusals() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(sink.refusals() >= 3, "retried while down");
        sink.down(false);
        sink.await(m -> "alarm".equals(m.text("kind")), 1);
        sink.await(m -> "action".equals(m.text("kind")), 1);
        sink.await(m -> m.kind() == MessageKind.TELEMETRY, 1);
        pipeline.close();
        assertEquals(1, sink.messages().stream().filter(m -> "alarm".equals(m.text("kind"))).count(),
                "delivered once, not once per retry");
    }

    @Test
    void failedActionsAreReportedOnceAndRetriedUntilTheyWork() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(PipelineSettings.defaults("gw").withActionRetryMs(20), (d, c, v) -> {
            if (calls.incrementAndGet() <= 3) {
                throw new IllegalStateException("device " + d + " is not running");
            }
            recordWrite(d, c, v);
        });
        pipeline.accept(poll(0, 4.0));
        List<Message> events = sink.await(m -> "action".equals(m.text("kind")), 2);
        assertEquals("failed", events.get(0).text("state"));
        assertEquals("device siren-01 is not running", events.get(0).text("error"));
        assertEquals("done", events.get(1).text("state"));
        assertEquals(4, events.get(1).body().get("attempt").asInt());
        assertEquals(List.of("siren-01/siren=true"), writes);
        assertEquals(3, pipeline.stats().actionFailures());
    }

    @Test
    void aRetryNeverUndoesANewerDecision() throws Exception {
        CountDownLatch offWritten = new CountDownLatch(1);
        start(PipelineSettings.defaults("gw").withActionRetryMs(100), (d, c, v) -> {
            recordWrite(d, c, v);
            if (Boolean.TRUE.equals(v)) {
                throw new IllegalStateException("relay did not answer");
            }
            offWritten.countDown();
        });
        pipeline.accept(poll(0, 4.0));   // on: fails, retry scheduled in 100 ms
        pipeline.accept(poll(1, 3.0));   // cleared: off decided
        assertTrue(offWritten.await(20, TimeUnit.SECONDS));
        Thread.sleep(500);               // well past the retry time
        assertEquals("siren-01/siren=false", writes.get(writes.size() - 1), writes.toString());
        assertEquals(1, writes.stream().filter(w -> w.endsWith("=true")).count(), "the stale 'on' was not retried");
    }

    @Test
    void statusMessageCarriesHealthQueueAndActiveAlarms() throws Exception {
        start(PipelineSettings.defaults("gw").withStatusIntervalMs(0), this::recordWrite);
        pipeline.setStatusSources(
                () -> List.of(new DeviceHealth("wl-001", "up", 5, 1, 0, 1000, 12, "level timeout", 900)),
                () -> Map.of("messages", 17L, "evictedTotal", 2L));
        pipeline.accept(poll(0, 4.0));
        pipeline.publishStatus();
        Message status = sink.await(m -> m.kind() == MessageKind.STATUS, 1).get(0);
        assertEquals(5, status.priority());
        assertEquals(null, status.device());
        assertEquals("status", status.text("kind"));
        assertEquals(CLOCK.millis(), status.body().get("t").asLong());
        assertEquals("level timeout", status.body().get("devices").get(0).get("lastError").asText());
        assertEquals("level_warning", status.body().get("devices").get(0).get("alarms").get(0).asText());
        assertEquals(17, status.body().get("queue").get("messages").asLong());
        assertEquals(2, status.body().get("queue").get("evictedTotal").asLong());
        assertEquals(1, status.body().get("pipeline").get("alarms").asLong());
    }

    @Test
    void periodicStatus() throws Exception {
        start(PipelineSettings.defaults("gw").withStatusIntervalMs(50), this::recordWrite);
        assertEquals(3, sink.await(m -> m.kind() == MessageKind.STATUS, 3).size());
    }

    @Test
    void aBlockedSinkNeverBlocksThePollThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MessageSink stuck = (k, d, p, b) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sink.submit(k, d, p, b);
        };
        pipeline = new Pipeline(PipelineSettings.defaults("gw").withRoutineQueue(100), CLOCK, this::recordWrite);
        pipeline.addDevice(waterLevel());
        pipeline.setSink(stuck);
        pipeline.start();
        for (int i = 0; i < 10_000; i++) {
            pipeline.accept(poll(i, i == 5_000 ? 4.0 : 3.0)); // returns although the sink hangs
        }
        PipelineStats s = pipeline.stats();
        // Held while the sink hangs: the routine queue, the pipelined messages (one of them stuck in the sink) and
        // at most one in the pipeline thread's hand.
        assertTrue(s.dropped() >= 10_000 - 100 - Pipeline.PIPELINED - 2, s.toString());
        awaitWrites(2);
        release.countDown();
        List<Message> alarms = sink.await(m -> "alarm".equals(m.text("kind")), 2);
        assertEquals(List.of("raised", "cleared"), alarms.stream().map(m -> m.text("state")).toList());
        // The telemetry held in the sink comes from the seal thread: after the alarms or before them.
        assertFalse(sink.await(m -> m.kind() == MessageKind.TELEMETRY, 1).isEmpty());
    }

    @Test
    void invalidRulesAreLoggedAndTheChannelReportsEverything() throws Exception {
        Channel level = new Channel("level", "hr:0", DataType.FLOAT32, null, null, 0, 1, 0, "m", Access.READ, null, json("{ 'deadband': 'small' }"));
        Channel temp = new Channel("temp", "hr:2", DataType.FLOAT32, null, null, 0, 1, 0, "C", Access.READ, null, json("{ 'deadband': 5 }"));
        pipeline = new Pipeline(PipelineSettings.defaults("gw"), CLOCK, this::recordWrite);
        pipeline.addDevice(new Device("wl-002", "p", "memory", null, null, 0, List.of(level, temp), null));
        pipeline.setSink(sink);
        pipeline.start();
        for (int i = 0; i < 3; i++) {
            pipeline.accept(new SampleBatch("wl-002", i, List.of(Sample.good("wl-002", "level", i, 1.0, "m"),
                    Sample.good("wl-002", "temp", i, 20.0, "C"))));
        }
        pipeline.close();
        long levels = sink.messages(MessageKind.TELEMETRY).stream()
                .flatMap(m -> java.util.stream.StreamSupport.stream(m.body().get("samples").spliterator(), false))
                .filter(n -> n.get("ch").asText().equals("level")).count();
        long temps = sink.messages(MessageKind.TELEMETRY).stream()
                .flatMap(m -> java.util.stream.StreamSupport.stream(m.body().get("samples").spliterator(), false))
                .filter(n -> n.get("ch").asText().equals("temp")).count();
        assertEquals(3, levels, "the channel with broken rules loses nothing");
        assertEquals(1, temps, "the valid channel keeps its deadband");
    }

    @Test
    void aDeviceRestartDoesNotFlapTheSirenButARemovedDeviceReleasesIt() throws Exception {
        start(PipelineSettings.defaults("gw"), this::recordWrite);
        pipeline.accept(poll(0, 4.0));
        awaitWrites(1);
        pipeline.removeDevice("wl-001");          // configuration reload: stop ...
        pipeline.addDevice(waterLevel());         // ... and start again
        pipeline.accept(poll(1000, 4.0));
        Thread.sleep(300);
        assertEquals(List.of("siren-01/siren=true"), writes, "no off/on flap");
        assertEquals(1, pipeline.stats().alarms(), "not raised a second time");

        pipeline.detachGraceMs(50);
        pipeline.removeDevice("wl-001");          // gone for good
        awaitWrites(2);
        assertEquals("siren-01/siren=false", writes.get(1));
        Message cleared = sink.await(m -> "alarm".equals(m.text("kind")) && "cleared".equals(m.text("state")), 1)
                .get(0);
        assertTrue(cleared.body().get("v").isNull(), "cleared by removal, not by a value");
        assertEquals(Map.of(), pipeline.activeAlarms());
    }

    /**
     * Sealing a large telemetry message takes tens of milliseconds of wall time on a board whose cores a drain keeps
     * busy; an alarm raised meanwhile is submitted at once, not after it (the pipeline thread does not seal routine
     * messages itself).
     */
    @Test
    void anAlarmDoesNotWaitForTelemetryThatIsBeingSealed() throws Exception {
        CountDownLatch sealingStarted = new CountDownLatch(1);
        CountDownLatch sealingMayEnd = new CountDownLatch(1);
        MessageSink slowSealer = new MessageSink() {
            @Override
            public long submit(MessageKind kind, String device, int priority, byte[] body) {
                return sink.submit(kind, device, priority, body);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Long> submitAsync(MessageKind kind, String device,
                                                                            int priority, byte[] body) {
                sealingStarted.countDown();
                try {
                    sealingMayEnd.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return java.util.concurrent.CompletableFuture.completedFuture(sink.submit(kind, device, priority, body));
            }
        };
        pipeline = new Pipeline(PipelineSettings.defaults("gw"), CLOCK, this::recordWrite);
        pipeline.addDevice(waterLevel());
        pipeline.setSink(slowSealer);
        pipeline.start();
        try {
            pipeline.accept(poll(0, 3.0));
            assertTrue(sealingStarted.await(10, TimeUnit.SECONDS), "telemetry handed to the sink");
            pipeline.accept(poll(1000, 4.0)); // above 3.5: the alarm is raised while the telemetry is still sealing
            Message alarm = sink.await(m -> "alarm".equals(m.text("kind")), 1).get(0);
            assertEquals("raised", alarm.text("state"));
            assertEquals(List.of(), sink.messages(MessageKind.TELEMETRY), "the telemetry is still being sealed");
        } finally {
            sealingMayEnd.countDown();
        }
        List<Message> telemetry = sink.await(m -> m.kind() == MessageKind.TELEMETRY, 2);
        assertEquals(List.of(3.0, 4.0), telemetry.stream().map(m -> m.body().get("samples").get(0).get("v").asDouble())
                .toList(), "telemetry stays in order");
    }

    /**
     * Telemetry is handed to the sink from the pipeline-seal thread while the pipeline thread takes the next: when
     * the sink refuses, the messages already handed over come back to the lane in their order, and reach the sink
     * in that order when it takes them again.
     */
    @Test
    void telemetryRefusedWhileTheSinkIsDownArrivesInOrderWhenItReturns() throws Exception {
        sink.down(true);
        start(PipelineSettings.defaults("gw"), this::recordWrite);
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pipeline.accept(poll(i * 1000L, 1.0 + i * 0.01));
            sent.add(i * 1000L);
            if (i % 8 == 0) {
                Thread.sleep(20); // refusals and retries interleave with new polls
            }
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (sink.refusals() < 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(sink.refusals() >= 3, "the sink refused");
        sink.down(false);
        List<Message> telemetry = sink.await(m -> m.kind() == MessageKind.TELEMETRY, 40);
        assertEquals(sent, telemetry.stream().map(m -> m.body().get("samples").get(0).get("t").asLong()).toList());
    }

    /** docs/edge-rules.md: while the outbox refuses telemetry, the routine lane waits 100 ms doubling to 5 s. */
    @Test
    void refusedTelemetryIsRetriedWithBackOffNotInALoop() throws Exception {
        sink.down(true);
        start(PipelineSettings.defaults("gw"), this::recordWrite);
        pipeline.accept(poll(0, 1.0));
        Thread.sleep(1_600);
        int refusals = sink.refusals();
        // 100 + 200 + 400 + 800 ms of back-off fit in 1.6 s: the first attempt and at most four retries (one spare).
        assertTrue(refusals >= 2 && refusals <= 6, "attempts in 1.6 s while the sink refuses: " + refusals);
        sink.down(false);
        assertEquals(1, sink.await(m -> m.kind() == MessageKind.TELEMETRY, 1).size());
    }

    @Test
    void pollsBetweenADeviceRestartAndItsRegistrationAreNotLost() throws Exception {
        start(PipelineSettings.defaults("gw").withBatchPolls(3), this::recordWrite);
        pipeline.accept(poll(0, 1.0));
        pipeline.removeDevice("wl-001");   // flushes the first sample
        pipeline.accept(poll(1000, 1.1));  // the restarted device polls before its service is registered
        pipeline.addDevice(waterLevel());
        pipeline.accept(poll(2000, 1.2));
        pipeline.close();
        List<Double> values = sink.messages(MessageKind.TELEMETRY).stream()
                .flatMap(m -> java.util.stream.StreamSupport.stream(m.body().get("samples").spliterator(), false))
                .map(n -> n.get("v").asDouble()).toList();
        assertEquals(List.of(1.0, 1.1, 1.2), values);
    }

    private void awaitWrites(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (writes.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(writes.size() >= n, "writes: " + writes);
    }
}
