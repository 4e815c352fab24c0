package org.tidegate.tests.probe;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;

/**
 * Records batches per device. Tests outside the framework read it as a {@code Supplier<Map<String,Object>>}
 * (java.* types are shared by every class loader): {@code DEVICE -> batches}, {@code DEVICE.last -> value},
 * {@code sessions -> open driver sessions}.
 */
@Component(service = {SampleSink.class, Supplier.class}, property = "tidegate.probe=samples")
public class ProbeSink implements SampleSink, Supplier<Map<String, Object>> {
    private final Map<String, Long> batches = new ConcurrentHashMap<>();
    private final Map<String, Object> last = new ConcurrentHashMap<>();

    @Override
    public void accept(SampleBatch batch) {
        batches.merge(batch.device(), 1L, Long::sum);
        for (Sample s : batch.samples()) {
            if (s.value() != null) {
                last.put(batch.device() + "." + s.channel(), s.value());
            }
        }
    }

    @Override
    public Map<String, Object> get() {
        Map<String, Object> m = new HashMap<>(batches);
        m.putAll(last);
        m.put("sessions", ProbeDriver.OPEN_SESSIONS.get());
        return m;
    }
}
