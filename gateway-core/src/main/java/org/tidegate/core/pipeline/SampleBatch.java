package org.tidegate.core.pipeline;

import java.util.List;
import org.tidegate.core.model.Sample;

/**
 * The samples of one poll of one device.
 *
 * @param device   device id
 * @param polledAt when the poll started, Unix ms
 * @param samples  one sample per readable channel, in channel order
 */
public record SampleBatch(String device, long polledAt, List<Sample> samples) {
    public SampleBatch {
        samples = List.copyOf(samples);
    }
}
