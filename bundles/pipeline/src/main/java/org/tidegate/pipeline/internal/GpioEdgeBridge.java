package org.tidegate.pipeline.internal;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.driver.gpio.GpioEdge;
import org.tidegate.driver.gpio.GpioEdgeListener;

/**
 * Feeds GPIO input edges (a smoke detector's contact) into the pipeline the moment they happen, as a
 * one-sample batch, so the alarm and the siren do not wait for the device's next poll. The following poll
 * sees the same value and changes nothing: the rules only act on transitions.
 */
@Component(service = GpioEdgeListener.class)
public class GpioEdgeBridge implements GpioEdgeListener {
    private final SampleSink pipeline;

    @Activate
    public GpioEdgeBridge(@Reference(target = "(component.name=org.tidegate.pipeline.internal.PipelineComponent)")
                          SampleSink pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void edge(GpioEdge e) {
        pipeline.accept(new SampleBatch(e.device(), e.timestamp(),
                List.of(Sample.good(e.device(), e.channel(), e.timestamp(), e.active(), ""))));
    }
}
