package org.tidegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.InMemoryDriver;
import org.tidegate.pipeline.RecordingSink.Message;

/**
 * The reference site in miniature: water level, smoke detector and siren as in-memory devices, polled by the
 * real DevicePoller, feeding the pipeline, with the "uplink" refusing every message. The siren must still switch.
 */
public class PipelineFlowTest {
    final InMemoryDriver driver = new InMemoryDriver();
    final Map<String, DevicePoller> pollers = new ConcurrentHashMap<>();
    final RecordingSink uplink = new RecordingSink();
    Pipeline pipeline;

    public static Device waterLevel() throws Exception {
        Channel level = new Channel("level", "hr:0", DataType.FLOAT32, null, null, 0, 1, 0, "m", Access.READ, null, PipelineTest.json("""
                        { 'deadband': 0.01, 'maxSilentMs': 60000,
                          'thresholds': [
                            { 'event': 'level_warning', 'above': 3.50, 'hysteresis': 0.05, 'severity': 'warning',
                              'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] },
                            { 'event': 'level_danger', 'above': 4.20, 'hysteresis': 0.05, 'severity': 'critical' } ],
                          'rateOfChange': [ { 'event': 'level_rising_fast', 'rise': 0.3, 'windowMs': 600000 } ] }"""));
        return new Device("wl-001", "radar-level", InMemoryDriver.PROTOCOL, null, null, 0, List.of(level), null);
    }

    public static Device smoke() throws Exception {
        Channel smoke = new Channel("smoke", "gpio:17", DataType.BOOL, null, null, 0, 1, 0, "", Access.READ, null, PipelineTest.json("""
                        { 'deadband': 0, 'thresholds': [ { 'event': 'smoke', 'whenTrue': true, 'severity': 'critical',
                            'actions': [ { 'device': 'siren-01', 'channel': 'siren', 'value': true } ] } ] }"""));
        return new Device("smoke-01", "smoke-detector", InMemoryDriver.PROTOCOL, null, null, 0,
                List.of(smoke), null);
    }

    public static Device siren() {
        Channel siren = new Channel("siren", "gpio:27", DataType.BOOL, null, null, 0, 1, 0, "", Access.READ_WRITE, null, "");
        return new Device("siren-01", "siren-relay", InMemoryDriver.PROTOCOL, null, null, 0, List.of(siren), null);
    }

    /** What the OSGi component does with GatewayDevice.write: find the device, write, fail loudly. */
    void write(String device, String channel, Object value) {
        DevicePoller p = pollers.get(device);
        if (p == null) {
            throw new IllegalStateException("device " + device + " is not running");
        }
        ChannelReading r = p.write(channel, value);
        if (!r.ok()) {
            throw new IllegalStateException(r.status() + " " + r.detail());
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        pipeline = new Pipeline(PipelineSettings.defaults("gw-riverside-01"), Clock.systemUTC(), this::write);
        uplink.down(true);
        pipeline.setSink(uplink);
        for (Device d : List.of(waterLevel(), smoke(), siren())) {
            pipeline.addDevice(d);
            pollers.put(d.id(), new DevicePoller(d, driver.open(d), () -> List.of(pipeline)));
        }
        pipeline.start();
        driver.set("wl-001", "level", 3.0);
        driver.set("smoke-01", "smoke", false);
        driver.set("siren-01", "siren", false);
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
        pollers.values().forEach(DevicePoller::close);
    }

    @Test
    void sirenSwitchesOnTheWarningLineAndForSmokeWhileTheUplinkIsDown() throws Exception {
        poll("wl-001");
        poll("smoke-01");
        assertEquals(List.of(), driver.writes());

        driver.set("wl-001", "level", 3.62);
        poll("wl-001");
        awaitWrites(List.of("siren-01/siren=true"));

        driver.set("smoke-01", "smoke", true);
        poll("smoke-01");
        driver.set("wl-001", "level", 3.40);  // below the band: level alarm clears, but smoke holds the siren
        poll("wl-001");
        Thread.sleep(300);
        assertEquals(List.of("siren-01/siren=true"), driver.writes(), "still on: smoke holds it");
        assertEquals(java.util.Set.of("smoke-01/smoke"), pipeline.holders("siren-01/siren"));

        driver.set("smoke-01", "smoke", false);
        poll("smoke-01");
        awaitWrites(List.of("siren-01/siren=true", "siren-01/siren=false"));
        assertTrue(uplink.refusals() > 0, "the uplink really was refusing");
        assertEquals(List.of(), uplink.messages());

        // The link returns: every alarm and action outcome goes out, in order, with alarm priority.
        uplink.down(false);
        List<Message> alarms = uplink.await(m -> "alarm".equals(m.text("kind")), 5);
        // 3.0 -> 3.62 m within seconds is also a fast rise (it stays raised: 3.40 is still 0.4 m above 3.0).
        assertEquals(List.of("level_warning raised", "level_rising_fast raised", "smoke raised",
                        "level_warning cleared", "smoke cleared"),
                alarms.stream().map(m -> m.text("event") + " " + m.text("state")).toList());
        List<Message> actions = uplink.await(m -> "action".equals(m.text("kind")), 2);
        assertEquals(List.of("true done", "false done"),
                actions.stream().map(m -> m.text("v") + " " + m.text("state")).toList());
        assertEquals("level_warning", actions.get(0).body().get("cause").get("event").asText());
        assertEquals("smoke", actions.get(1).body().get("cause").get("event").asText());
        for (Message m : uplink.messages(MessageKind.ALARM)) {
            assertEquals(9, m.priority());
        }
        List<Message> telemetry = uplink.await(m -> m.kind() == MessageKind.TELEMETRY, 5);
        telemetry.forEach(m -> assertEquals(4, m.priority()));
        assertEquals(3.62, telemetry.stream().filter(m -> m.device().equals("wl-001")).toList().get(1)
                .body().get("samples").get(0).get("v").asDouble(), 1e-6);
    }

    @Test
    void deadDeviceIsReportedBadOnceAndRecoveryIsReported() throws Exception {
        poll("wl-001");
        driver.fail("wl-001", org.tidegate.core.driver.ReadStatus.TIMEOUT);
        poll("wl-001");
        poll("wl-001");
        driver.fail("wl-001", null);
        poll("wl-001");
        uplink.down(false);
        List<Message> t = uplink.await(m -> m.kind() == MessageKind.TELEMETRY, 3);
        assertEquals(List.of("good", "bad", "good"),
                t.stream().map(m -> m.body().get("samples").get(0).get("q").asText()).toList(),
                "the second bad poll is inside the deadband's silence: " + t.stream().map(m -> m.seq() + ":" + m.body().get("samples")).toList());
        assertTrue(t.get(1).body().get("samples").get(0).get("e").asText().startsWith("timeout"));
    }

    private void poll(String device) {
        pollers.get(device).pollOnce();
    }

    private void awaitWrites(List<String> expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!driver.writes().equals(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, driver.writes());
    }
}
