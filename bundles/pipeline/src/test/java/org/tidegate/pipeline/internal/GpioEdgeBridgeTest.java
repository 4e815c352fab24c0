package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Quality;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.driver.gpio.GpioEdge;

class GpioEdgeBridgeTest {
    @Test
    void anEdgeBecomesAOneSampleBatchAtOnce() {
        List<SampleBatch> got = new ArrayList<>();
        new GpioEdgeBridge(got::add).edge(new GpioEdge("smoke-01", "smoke", 27, true, 1_732_272_000_123L));
        assertEquals(1, got.size());
        SampleBatch b = got.get(0);
        assertEquals("smoke-01", b.device());
        assertEquals(1, b.samples().size());
        assertEquals("smoke", b.samples().get(0).channel());
        assertEquals(true, b.samples().get(0).value());
        assertEquals(Quality.GOOD, b.samples().get(0).quality());
        assertEquals(1_732_272_000_123L, b.samples().get(0).timestamp());
    }
}
