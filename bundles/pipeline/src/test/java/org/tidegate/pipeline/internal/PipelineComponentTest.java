package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.core.testing.InMemoryDriver;
import org.tidegate.pipeline.PipelineFlowTest;
import org.tidegate.pipeline.RecordingSink;
import org.tidegate.pipeline.RecordingSink.Message;

/** The component as SCR drives it: constructor with config, bind methods, activate, whiteboard calls, deactivate. */
class PipelineComponentTest {
    private final InMemoryDriver driver = new InMemoryDriver();
    private final RecordingSink sink = new RecordingSink();
    private PipelineComponent component;
    private DevicePoller level;

    static PipelineComponent.Config config(Map<String, Object> values) {
        return (PipelineComponent.Config) Proxy.newProxyInstance(PipelineComponent.Config.class.getClassLoader(),
                new Class<?>[] {PipelineComponent.Config.class}, (proxy, method, args) -> {
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    /** What DeviceComponent registers: a GatewayDevice backed by a DevicePoller. */
    static GatewayDevice service(DevicePoller poller) {
        return new GatewayDevice() {
            @Override
            public Device device() {
                return poller.device();
            }

            @Override
            public DeviceHealth health() {
                return poller.health();
            }

            @Override
            public ChannelReading write(String channelId, Object value) {
                return poller.write(channelId, value);
            }
        };
    }

    @AfterEach
    void tearDown() {
        if (component != null) {
            component.deactivate();
        }
        if (level != null) {
            level.close();
        }
    }

    @Test
    void wiredLikeScrItSwitchesTheSirenReportsFailuresAndContributesStatus() throws Exception {
        component = new PipelineComponent(Map.of("gatewayId", "gw-riverside-01"));
        component.setMessageSink(sink);
        Device wl = PipelineFlowTest.waterLevel();
        level = new DevicePoller(wl, driver.open(wl), () -> List.of(component));
        component.addDevice(service(level));
        component.activate();

        // The siren device is not running yet: the action fails, is reported, and is retried.
        driver.set("wl-001", "level", 3.7);
        level.pollOnce();
        Message failed = sink.await(m -> "action".equals(m.text("kind")), 1).get(0);
        assertEquals("failed", failed.text("state"));
        assertEquals("device siren-01 is not running", failed.text("error"));

        Device siren = PipelineFlowTest.siren();
        DevicePoller sirenPoller = new DevicePoller(siren, driver.open(siren), List::of);
        try {
            component.addDevice(service(sirenPoller));
            Message done = sink.await(m -> "action".equals(m.text("kind")) && "done".equals(m.text("state")), 1)
                    .get(0);
            assertTrue(done.body().get("attempt").asInt() >= 2);
            assertEquals(List.of("siren-01/siren=true"), driver.writes());
        } finally {
            sirenPoller.close();
        }

        Map<String, Object> status = component.status();
        assertEquals("pipeline", component.name());
        assertEquals(Map.of("wl-001", List.of("level_warning", "level_rising_fast")).keySet(),
                ((Map<?, ?>) status.get("activeAlarms")).keySet());
        assertTrue(((List<?>) ((Map<?, ?>) status.get("activeAlarms")).get("wl-001")).contains("level_warning"));
        assertEquals(1L, status.get("actionFailures"));
    }

    @Test
    void configDefaultsMatchTheDocumentedOnes() {
        PipelineComponent.Config c = config(Map.of("gatewayId", "gw"));
        assertEquals(1, c.batchPolls());
        assertEquals(300, c.statusIntervalSeconds());
        assertEquals(10_000, c.handOffCapacity());
        assertEquals(5_000, c.actionRetryMs());
    }
}
