package org.tidegate.core.pipeline;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard seam where samples leave the device layer: every registered {@code SampleSink} service
 * receives every poll's batch. The edge-rule and telemetry pipeline is one; tests register their own.
 *
 * <p>Called on the device's poll thread: implementations must return quickly (hand off, do not
 * publish or fsync here), or they delay that device's next poll.
 */
@ConsumerType
public interface SampleSink {
    void accept(SampleBatch batch);
}
