package org.tidegate.pipeline.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.outbox.StatusBody;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.pipeline.ActionWriter;
import org.tidegate.pipeline.MessageSink;
import org.tidegate.pipeline.Pipeline;
import org.tidegate.pipeline.PipelineSettings;
import org.tidegate.store.StoreAndForwardQueue;
import org.tinylog.Logger;

/**
 * The pipeline as a service: a {@link SampleSink} on the device whiteboard, configured by the gateway's
 * {@code telemetry} section (PID {@value #PID}). It tracks the running {@link GatewayDevice}s (their channel
 * rules, their health for status messages, and as targets of local actions). The {@link MessageSink} is
 * optional and dynamic: while the uplink is away, rules and local actions keep running and messages wait.
 */
@Component(configurationPid = TelemetrySection.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {SampleSink.class, StatusProvider.class})
@Designate(ocd = PipelineComponent.Config.class)
public class PipelineComponent implements SampleSink, StatusProvider {
    public static final String PID = TelemetrySection.PID;

    /**
     * The telemetry section as ConfigAdmin holds it, for MetaType only: the component reads its properties with
     * {@link TelemetrySection#read}. Defaults and limits are the schema's constants.
     */
    @ObjectClassDefinition(name = "tidegate telemetry pipeline",
            description = "Edge rules, alarms, local actions and telemetry messages (gateway.json \"telemetry\")")
    public @interface Config {
        @AttributeDefinition(description = "Gateway id, the \"gateway\" field of every body")
        String gatewayId();

        @AttributeDefinition(description = "Polls per telemetry message per device",
                min = "" + TelemetrySection.MIN_BATCH_POLLS, max = "" + TelemetrySection.MAX_BATCH_POLLS)
        int batchPolls() default TelemetrySection.DEFAULT_BATCH_POLLS;

        @AttributeDefinition(description = "Seconds between status messages (0 = none)",
                min = "" + TelemetrySection.MIN_STATUS_INTERVAL_SECONDS,
                max = "" + TelemetrySection.MAX_STATUS_INTERVAL_SECONDS)
        long statusIntervalSeconds() default TelemetrySection.DEFAULT_STATUS_INTERVAL_SECONDS;

        @AttributeDefinition(description = "Routine messages waiting for the pipeline thread before new ones are dropped",
                min = "" + TelemetrySection.MIN_HAND_OFF_CAPACITY, max = "" + TelemetrySection.MAX_HAND_OFF_CAPACITY)
        int handOffCapacity() default TelemetrySection.DEFAULT_HAND_OFF_CAPACITY;

        @AttributeDefinition(description = "First retry delay of a failed local action, ms (doubles up to 60 s)",
                min = "" + TelemetrySection.MIN_ACTION_RETRY_MS, max = "" + TelemetrySection.MAX_ACTION_RETRY_MS)
        long actionRetryMs() default TelemetrySection.DEFAULT_ACTION_RETRY_MS;

        @AttributeDefinition(description = "A telemetry message goes out once it holds this many samples",
                min = "" + TelemetrySection.MIN_MAX_SAMPLES_PER_MESSAGE,
                max = "" + TelemetrySection.MAX_MAX_SAMPLES_PER_MESSAGE)
        int maxSamplesPerMessage() default TelemetrySection.DEFAULT_MAX_SAMPLES_PER_MESSAGE;

        @AttributeDefinition(description = "Telemetry body form: json or compact (docs/envelope.md)")
        String body() default TelemetrySection.DEFAULT_BODY;

        @AttributeDefinition(description = "Samples in telemetry waiting for the pipeline thread before new telemetry is dropped",
                min = "" + TelemetrySection.MIN_HAND_OFF_SAMPLES, max = "" + TelemetrySection.MAX_HAND_OFF_SAMPLES)
        int handOffSamples() default TelemetrySection.DEFAULT_HAND_OFF_SAMPLES;
    }

    private final Map<String, GatewayDevice> devices = new ConcurrentHashMap<>();
    private final Pipeline pipeline;
    private volatile StoreAndForwardQueue queue;

    /**
     * Activation by Declarative Services.
     *
     * @throws IllegalArgumentException if the configuration breaks the schema (every problem listed)
     */
    @Activate
    public PipelineComponent(Map<String, Object> properties) {
        this(TelemetrySection.read(properties), pendingFile(properties));
    }

    PipelineComponent(PipelineSettings settings) {
        this(settings, null);
    }

    /** @param pendingFile where a shutdown keeps what it could not hand to the outbox; null: nowhere */
    PipelineComponent(PipelineSettings settings, java.nio.file.Path pendingFile) {
        this.pipeline = new Pipeline(settings, Clock.systemUTC(), this::writeLocally);
        pipeline.setStatusSources(this::health, this::queueStatus);
        if (pendingFile != null) {
            pipeline.setPendingFile(pendingFile);
        }
        Logger.info("pipeline started: gateway={} batchPolls={} maxSamplesPerMessage={} body={} statusIntervalSeconds={}",
                settings.gatewayId(), settings.batchPolls(), settings.maxSamplesPerMessage(),
                settings.compactBody() ? TelemetrySection.BODY_COMPACT : TelemetrySection.BODY_JSON,
                settings.statusIntervalMs() / 1000);
    }

    /** {@code HOME/data/pipeline-pending}, from the {@code home} property the config module adds to every section. */
    static java.nio.file.Path pendingFile(Map<String, Object> properties) {
        Object home = properties.get("home");
        if (home == null || home.toString().isBlank()) {
            Logger.warn("pipeline: no home directory in the configuration: a shutdown cannot keep what the outbox"
                    + " has not stored");
            return null;
        }
        return java.nio.file.Path.of(home.toString()).toAbsolutePath().resolve("data").resolve(PendingFile.NAME);
    }

    @Activate
    void activate() {
        // Constructor injection ran first; devices bound in between are added to the pipeline as they come.
        pipeline.start();
    }

    @Deactivate
    void deactivate() {
        pipeline.close();
        Logger.info("pipeline stopped: {}", pipeline.stats());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setMessageSink(MessageSink sink) {
        pipeline.setSink(sink);
    }

    void unsetMessageSink(MessageSink sink) {
        pipeline.setSink(null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setQueue(StoreAndForwardQueue q) {
        this.queue = q;
    }

    void unsetQueue(StoreAndForwardQueue q) {
        if (this.queue == q) {
            this.queue = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDevice(GatewayDevice device) {
        devices.put(device.device().id(), device);
        pipeline.addDevice(device.device());
    }

    void removeDevice(GatewayDevice device) {
        String id = device.device().id();
        if (devices.remove(id, device)) {
            pipeline.removeDevice(id);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAlarmObserver(org.tidegate.pipeline.AlarmObserver observer) {
        pipeline.addObserver(observer);
    }

    void removeAlarmObserver(org.tidegate.pipeline.AlarmObserver observer) {
        pipeline.removeObserver(observer);
    }

    @Override
    public void accept(SampleBatch batch) {
        pipeline.accept(batch);
    }

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> active = new LinkedHashMap<>();
        pipeline.activeAlarms().forEach((d, events) -> active.put(d, new ArrayList<>(events)));
        m.put("activeAlarms", active);
        m.putAll(pipeline.stats().fields());
        return m;
    }

    private void writeLocally(String deviceId, String channel, Object value) {
        GatewayDevice d = devices.get(deviceId);
        if (d == null) {
            throw new IllegalStateException("device " + deviceId + " is not running");
        }
        ChannelReading r = d.write(channel, value);
        if (!r.ok()) {
            throw new IllegalStateException(r.status().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.detail().isEmpty() ? "" : ": " + r.detail()));
        }
    }

    private List<DeviceHealth> health() {
        List<DeviceHealth> out = new ArrayList<>();
        for (GatewayDevice d : devices.values()) {
            try {
                out.add(d.health());
            } catch (RuntimeException e) {
                Logger.warn(e, "device={} health unavailable", d.device().id());
            }
        }
        return out;
    }

    private Map<String, Object> queueStatus() {
        StoreAndForwardQueue q = queue;
        return q == null ? Map.of("available", false) : StatusBody.queueFields(q.stats());
    }
}
