package org.tidegate.uplink.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.uplink.CommandHandler;
import org.tidegate.uplink.UplinkLink;
import org.tidegate.uplink.mqtt.CommandDispatcher;
import org.tidegate.uplink.mqtt.CommandProcessor;
import org.tidegate.uplink.mqtt.CommandQueue;
import org.tidegate.uplink.mqtt.MqttUplink;
import org.tidegate.uplink.mqtt.StatusReport;
import org.tidegate.uplink.mqtt.UplinkOptions;
import org.tinylog.Logger;

/**
 * The uplink in OSGi: configuration PID {@value #PID} (the broker section of gateway.json), the store's queue (to
 * drain and acknowledge), the outbox bundle's {@link Outbox} (to seal status messages and store command replies)
 * and the security bundle's command opener as references. Runs the {@link MqttUplink}; collects
 * {@link CommandHandler}s, {@link StatusProvider}s and the devices' health from the service registry (whiteboard).
 * It numbers, seals and stores nothing itself: that is the outbox's job.
 */
@Component(configurationPid = BrokerSection.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = UplinkLink.class, immediate = true)
@Designate(ocd = UplinkComponent.Config.class)
public class UplinkComponent implements UplinkLink {
    public static final String PID = BrokerSection.PID;

    /**
     * The broker section as ConfigAdmin holds it, for MetaType only: the component reads its properties with
     * {@link BrokerSection#read}. Defaults and limits are the schema's constants.
     */
    @ObjectClassDefinition(name = "tidegate MQTT uplink", description = "The broker section of gateway.json")
    public @interface Config {
        @AttributeDefinition(description = "Gateway id: MQTT client id and envelope sender")
        String gatewayId();

        @AttributeDefinition(description = "tcp://host:port (lab only) or ssl://host:port")
        String url();

        @AttributeDefinition(description = "First topic level; no wildcards, no leading, trailing or double /")
        String topicPrefix() default BrokerSection.DEFAULT_TOPIC_PREFIX;

        String username() default BrokerSection.DEFAULT_USERNAME;

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Broker password; empty: read passwordEnv")
        String password() default BrokerSection.DEFAULT_PASSWORD;

        @AttributeDefinition(description = "Environment variable holding the password when password is empty")
        String passwordEnv() default BrokerSection.DEFAULT_PASSWORD_ENV;

        @AttributeDefinition(description = "PEM CA certificate(s) for ssl:// (empty: the JVM trust store)")
        String caFile() default BrokerSection.DEFAULT_FILE;

        @AttributeDefinition(description = "PEM client certificate for mutual TLS (with keyFile)")
        String certFile() default BrokerSection.DEFAULT_FILE;

        @AttributeDefinition(description = "PEM private key of certFile")
        String keyFile() default BrokerSection.DEFAULT_FILE;

        @AttributeDefinition(description = "MQTT keep-alive, seconds", min = "" + BrokerSection.MIN_KEEP_ALIVE_SECONDS,
                max = "" + BrokerSection.MAX_KEEP_ALIVE_SECONDS)
        int keepAliveSeconds() default BrokerSection.DEFAULT_KEEP_ALIVE_SECONDS;

        @AttributeDefinition(description = "First reconnect delay, ms", min = "" + BrokerSection.MIN_RECONNECT_MIN_MS,
                max = "" + BrokerSection.MAX_RECONNECT_MIN_MS)
        long reconnectMinMs() default BrokerSection.DEFAULT_RECONNECT_MIN_MS;

        @AttributeDefinition(description = "Cap of the reconnect delay, ms (not less than reconnectMinMs)",
                min = "" + BrokerSection.MIN_RECONNECT_MAX_MS, max = "" + BrokerSection.MAX_RECONNECT_MAX_MS)
        long reconnectMaxMs() default BrokerSection.DEFAULT_RECONNECT_MAX_MS;

        @AttributeDefinition(description = "Messages published and not yet acknowledged (PUBACK)",
                min = "" + BrokerSection.MIN_INFLIGHT, max = "" + BrokerSection.MAX_INFLIGHT)
        int inflight() default BrokerSection.DEFAULT_INFLIGHT;

        @AttributeDefinition(description = "Drain rate limit in messages per second; 0: unlimited",
                min = "" + BrokerSection.MIN_RATE_LIMIT_PER_SECOND, max = "" + BrokerSection.MAX_RATE_LIMIT_PER_SECOND)
        long rateLimitPerSecond() default BrokerSection.DEFAULT_RATE_LIMIT_PER_SECOND;

        @AttributeDefinition(description = "MQTT 5 Maximum Packet Size announced to the broker, bytes",
                min = "" + BrokerSection.MIN_MAX_PACKET_BYTES, max = "" + BrokerSection.MAX_MAX_PACKET_BYTES)
        long maxPacketBytes() default BrokerSection.DEFAULT_MAX_PACKET_BYTES;

        @AttributeDefinition(description = "While alarms wait: cap of the reconnect delay, ms (TCP probe each step)",
                min = "" + BrokerSection.MIN_ALARM_RECONNECT_MS, max = "" + BrokerSection.MAX_ALARM_RECONNECT_MS)
        long alarmReconnectMs() default BrokerSection.DEFAULT_ALARM_RECONNECT_MS;

        @AttributeDefinition(description = "Interval of the drain progress log lines, ms (not a gateway.json key)",
                min = "" + BrokerSection.MIN_PROGRESS_LOG_MS, max = "" + BrokerSection.MAX_PROGRESS_LOG_MS)
        long progressLogMs() default BrokerSection.DEFAULT_PROGRESS_LOG_MS;

        @AttributeDefinition(description = "Absolute path of the gateway home directory (relative files resolve against it)")
        String home() default ".";
    }

    private final Map<String, CommandHandlerRank> ranked = new ConcurrentSkipListMap<>();
    private final List<StatusProvider> providers = new CopyOnWriteArrayList<>();
    private final List<GatewayDevice> devices = new CopyOnWriteArrayList<>();
    private final MqttUplink uplink;
    private final CommandQueue commands;
    private final org.osgi.framework.ServiceRegistration<StatusProvider> localStatus;
    private final org.osgi.framework.ServiceRegistration<StatusProvider> localLinkStatus;

    /**
     * Activation by Declarative Services.
     *
     * @throws IllegalArgumentException if the configuration breaks the schema (every problem listed)
     */
    private org.tidegate.core.health.Heartbeat heartbeat = org.tidegate.core.health.Heartbeat.NONE;

    @Activate
    public UplinkComponent(Map<String, Object> properties,
                           @Reference StoreAndForwardQueue queue,
                           @Reference(target = "(gatewayId=*)") Outbox outbox,
                           @Reference(target = "(gatewayId=*)") EnvelopeOpener commandOpener,
                           org.osgi.framework.BundleContext context,
                           @Reference(cardinality = ReferenceCardinality.OPTIONAL)
                           org.tidegate.core.health.Liveness liveness) {
        UplinkOptions options = options(properties);
        if (!outbox.topics().equals(options.topics())) {
            Logger.warn("uplink: the outbox stores for {} but the uplink serves {}", outbox.topics(), options.topics());
        }
        CommandDispatcher dispatcher = new CommandDispatcher(options.gatewayId(), this::handlersInOrder);
        CommandProcessor processor = new CommandProcessor(commandOpener, dispatcher, outbox);
        commands = new CommandQueue(processor, CommandQueue.DEFAULT_CAPACITY);
        StatusProvider link = new LinkStatus(processor, commands, this::uplinkState);
        StatusReport status = new StatusReport(options.gatewayId(), StatusReport.bundleVersion(), queue,
                () -> devices.stream().map(GatewayDevice::health).sorted(Comparator.comparing(DeviceHealth::device))
                        .toList(),
                () -> java.util.stream.Stream.concat(java.util.stream.Stream.of(link), providers.stream()).toList());
        uplink = new MqttUplink(options, queue, outbox, status, commands);
        if (liveness != null) {
            // Its longest healthy turn: a connect attempt (15 s timeout) with the birth message.
            heartbeat = liveness.register("uplink", java.time.Duration.ofSeconds(60));
            uplink.heartbeat(heartbeat);
        }
        Logger.info("uplink: {}", options);
        uplink.start();
        java.util.Hashtable<String, Object> local = new java.util.Hashtable<>();
        local.put(UplinkStatus.LOCAL_PROPERTY, true);
        localStatus = context.registerService(StatusProvider.class, new UplinkStatus(uplink), local);
        // The online message carries link through the StatusReport above; local readers (console, tidegate status)
        // get the same object as a local-only service, so that it is not in the online message twice.
        localLinkStatus = context.registerService(StatusProvider.class, link, local);
    }

    @Override
    public String brokerUrl() {
        return uplink.options().brokerUrl();
    }

    @Override
    public boolean connected() {
        return uplink.state().connected();
    }

    @Override
    public long connects() {
        return uplink.state().connects();
    }

    @Override
    public String lastError() {
        return uplink.state().lastError();
    }

    /** The session's state, or null while it is being made (a status is built only after it started). */
    private org.tidegate.uplink.mqtt.UplinkState uplinkState() {
        return uplink == null ? null : uplink.state();
    }

    /** The session's options from the ConfigAdmin properties, through the section's schema. */
    static UplinkOptions options(Map<String, ?> properties) {
        return BrokerSection.read(properties);
    }

    @Deactivate
    void deactivate() {
        for (org.osgi.framework.ServiceRegistration<StatusProvider> r : List.of(localStatus, localLinkStatus)) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping and took it already
            }
        }
        uplink.close();
        heartbeat.close();
        commands.close();
    }

    private List<CommandHandler> handlersInOrder() {
        return ranked.values().stream().sorted().map(CommandHandlerRank::handler).toList();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCommandHandler(CommandHandler handler, Map<String, Object> props) {
        ranked.put(key(props), new CommandHandlerRank(handler, rank(props), (Long) props.get(Constants.SERVICE_ID)));
    }

    void removeCommandHandler(CommandHandler handler, Map<String, Object> props) {
        ranked.remove(key(props));
    }

    // Local-only providers (UplinkStatus.LOCAL_PROPERTY) stay out of the cloud's online message.
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + UplinkStatus.LOCAL_PROPERTY + "=true))")
    void addStatusProvider(StatusProvider provider) {
        providers.add(provider);
    }

    void removeStatusProvider(StatusProvider provider) {
        providers.remove(provider);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDevice(GatewayDevice device) {
        devices.add(device);
    }

    void removeDevice(GatewayDevice device) {
        devices.remove(device);
    }

    private static String key(Map<String, Object> props) {
        return String.valueOf(props.get(Constants.SERVICE_ID));
    }

    private static int rank(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    /** Higher service ranking first, then the older service. */
    private record CommandHandlerRank(CommandHandler handler, int ranking, long serviceId)
            implements Comparable<CommandHandlerRank> {
        @Override
        public int compareTo(CommandHandlerRank o) {
            return ranking != o.ranking ? Integer.compare(o.ranking, ranking) : Long.compare(serviceId, o.serviceId);
        }
    }
}
