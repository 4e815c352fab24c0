package org.tidegate.core.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DriverException;
import org.tidegate.core.driver.FieldDriver;
import org.tidegate.core.model.Device;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.core.poll.DevicePoller;
import org.tinylog.Logger;

/**
 * One running device: created by Declarative Services for each factory configuration under
 * {@value #FACTORY_PID} (the config module writes one per {@code devices/*.json}). Its driver is chosen by
 * the {@code driver.target} property, e.g. {@code (tidegate.protocol=modbus)}; until such a driver is
 * registered the component simply stays unsatisfied.
 */
@Component(configurationPid = DeviceComponent.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = DeviceComponent.Config.class, factory = true)
public class DeviceComponent implements RestartableDevice {

    /** A device instance; written by the config bundle from {@code devices/*.json}. */
    @ObjectClassDefinition(name = "tidegate device", description = "One field device polled by the gateway")
    public @interface Config {
        @AttributeDefinition(name = "Device id", description = "[A-Za-z0-9._-]{1,64}")
        String device_id();

        @AttributeDefinition(name = "Device definition",
                description = "The device merged with its profile, as JSON (the resolved document of DeviceSchema)")
        String device_json();

        @AttributeDefinition(name = "Driver filter", description = "Selects the driver, e.g. (tidegate.protocol=modbus)")
        String driver_target();
    }

    public static final String FACTORY_PID = "org.tidegate.device";
    /** The resolved device document ({@link DeviceSchema}), decoded with the driver's schema. */
    public static final String DEVICE_JSON = "device.json";

    private final List<SampleSink> sinks = new CopyOnWriteArrayList<>();
    private final FieldDriver driver;
    private final DevicePoller poller;
    private final org.tidegate.core.health.Heartbeat heartbeat;
    private final ServiceRegistration<GatewayDevice> registration;

    @Activate
    public DeviceComponent(@Reference(name = "driver") FieldDriver driver, BundleContext context, Config config,
                           Map<String, Object> properties,
                           @Reference(name = "liveness") org.tidegate.core.health.Liveness liveness) throws DriverException {
        this.driver = driver;
        String json = config.device_json();
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("configuration " + properties.get("service.pid")
                    + " has no " + DEVICE_JSON + " property");
        }
        // The same schema that `tidegate validate` and the config bundle checked the files with.
        Device device = DeviceSchema.decode("configuration " + properties.get("service.pid"), json, driver.schema());
        // An opener, not a session: a connection restart (DeviceRestartService) opens a new session the same way.
        this.poller = new DevicePoller(device, () -> driver.open(device), () -> sinks);
        // A poll may take its timeouts and retries on every channel: a generous bound, the watchdog is for wedges.
        this.heartbeat = liveness.register("poll device=" + device.id(),
                device.pollInterval().multipliedBy(3).plusSeconds(60));
        poller.start(heartbeat);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(DEVICE_ID_PROPERTY, device.id());
        props.put(FieldDriver.PROTOCOL_PROPERTY, device.protocol());
        this.registration = context.registerService(GatewayDevice.class, this, props);
        Logger.info("device={} started: protocol={} channels={} interval={}ms", device.id(), device.protocol(),
                device.channels().size(), device.pollInterval().toMillis());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSink(SampleSink sink) {
        sinks.add(sink);
    }

    void removeSink(SampleSink sink) {
        sinks.remove(sink);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping and took it already
        }
        poller.close();
        heartbeat.close();
        Logger.info("device={} stopped", poller.device().id());
    }

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

    @Override
    public ChannelReading readNow(String channelId) {
        return poller.readNow(channelId);
    }

    /** Closes the driver session and opens a new one between two polls ({@link DevicePoller#restartSession()}). */
    @Override
    public java.util.concurrent.CompletableFuture<DeviceHealth> restartConnection() {
        return poller.restartSession();
    }
}
