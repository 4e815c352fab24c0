package org.tidegate.console.internal;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.Map;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.store.QueueStats;

/**
 * {@code /metrics}: the gateway in Prometheus text format (Prometheus Java client 1.x, its own registry, not the
 * global one). Everything but poll latency is read at scrape time from the same sources as the status (queue stats,
 * device health, the uplink's and pipeline's status providers, the alarm log): one source of truth, nothing counted
 * twice. Names are listed in docs/console.md.
 */
final class Metrics {
    /** Seconds; polls of a healthy Modbus device take milliseconds, a timing-out one up to timeout × attempts. */
    private static final double[] POLL_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram pollDuration;

    /** What the metrics are read from at each scrape. */
    interface Sources {
        QueueStats queue(); // null while the store is away

        Collection<DeviceHealth> devices();

        Map<String, Object> provider(String name); // a status provider's fields, empty if absent

        AlarmLog alarms();
    }

    Metrics(Sources src) {
        pollDuration = Histogram.builder().name("tidegate_device_poll_duration_seconds")
                .help("Duration of each poll of a device").labelNames("device").classicUpperBounds(POLL_BUCKETS)
                .classicOnly().register(registry);
        gauge("tidegate_queue_messages", "Messages in the store-and-forward queue", src, q -> q.messages());
        gauge("tidegate_queue_bytes", "Bytes queued (payload and topic)", src, q -> q.bytes());
        gauge("tidegate_queue_in_flight", "Messages published and not yet acknowledged", src, q -> q.inFlight());
        gauge("tidegate_queue_oldest_age_seconds", "Age of the oldest queued message", src,
                q -> q.oldestAgeMillis() / 1000.0);
        counter("tidegate_queue_appended", "Messages appended to the queue since start", src, q -> q.appended());
        counter("tidegate_queue_delivered", "Messages delivered (PUBACK) and deleted since start", src,
                q -> q.delivered());
        counter("tidegate_queue_redelivered", "Messages sent again after a lost connection", src,
                q -> q.redelivered());
        CounterWithCallback.builder().name("tidegate_queue_evicted").help("Messages evicted by the queue's bounds")
                .labelNames("reason").callback(cb -> {
                    QueueStats q = src.queue();
                    if (q != null) {
                        q.evicted().forEach((reason, n) -> cb.call(n.doubleValue(), reason));
                    }
                }).register(registry);
        CounterWithCallback.builder().name("tidegate_uplink_connects").help("Successful broker connects since start")
                .callback(cb -> cb.call(number(src.provider("uplink").get("connects")))).register(registry);
        CounterWithCallback.builder().name("tidegate_uplink_reconnects").help("Broker connects after the first")
                .callback(cb -> cb.call(number(src.provider("uplink").get("reconnects")))).register(registry);
        CounterWithCallback.builder().name("tidegate_uplink_connect_failures").help("Failed broker connection attempts")
                .callback(cb -> cb.call(number(src.provider("uplink").get("connectFailures")))).register(registry);
        GaugeWithCallback.builder().name("tidegate_uplink_connected").help("1 while a broker session is up")
                .callback(cb -> cb.call(Boolean.TRUE.equals(src.provider("uplink").get("connected")) ? 1 : 0))
                .register(registry);
        CounterWithCallback.builder().name("tidegate_device_polls").help("Polls since start").labelNames("device")
                .callback(cb -> src.devices().forEach(h -> cb.call(h.polls(), h.device()))).register(registry);
        CounterWithCallback.builder().name("tidegate_device_failed_polls").help("Polls in which no channel was good")
                .labelNames("device")
                .callback(cb -> src.devices().forEach(h -> cb.call(h.failedPolls(), h.device()))).register(registry);
        CounterWithCallback.builder().name("tidegate_device_faults").help("Failed requests by reason")
                .labelNames("device", "reason")
                .callback(cb -> src.devices().forEach(h -> h.faults().forEach((r, n) -> cb.call(n, h.device(), r))))
                .register(registry);
        GaugeWithCallback.builder().name("tidegate_device_up").help("1 when the last poll had a good channel")
                .labelNames("device")
                .callback(cb -> src.devices().forEach(h -> cb.call("up".equals(h.state()) ? 1 : 0, h.device())))
                .register(registry);
        GaugeWithCallback.builder().name("tidegate_alarms_open").help("Alarms raised now")
                .callback(cb -> cb.call(src.alarms().openCount())).register(registry);
        CounterWithCallback.builder().name("tidegate_alarms_raised").help("Alarms raised since start")
                .callback(cb -> cb.call(src.alarms().raised())).register(registry);
        CounterWithCallback.builder().name("tidegate_alarms_cleared").help("Alarms cleared since start")
                .callback(cb -> cb.call(src.alarms().cleared())).register(registry);
        CounterWithCallback.builder().name("tidegate_pipeline_dropped").help("Routine messages the pipeline dropped")
                .callback(cb -> cb.call(number(src.provider("pipeline").get("dropped")))).register(registry);
        JvmMemoryMetrics.builder().register(registry);
    }

    /** Called for every poll batch with the device's health after the poll. */
    void observePoll(String device, long millis) {
        pollDuration.labelValues(device).observe(millis / 1000.0);
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    String contentType() {
        return writer.getContentType();
    }

    private void gauge(String name, String help, Sources src, java.util.function.ToDoubleFunction<QueueStats> f) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            QueueStats q = src.queue();
            if (q != null) {
                cb.call(f.applyAsDouble(q));
            }
        }).register(registry);
    }

    private void counter(String name, String help, Sources src, java.util.function.ToDoubleFunction<QueueStats> f) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> {
            QueueStats q = src.queue();
            if (q != null) {
                cb.call(f.applyAsDouble(q));
            }
        }).register(registry);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

}
