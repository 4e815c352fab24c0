package org.tidegate.uplink.internal;

import java.nio.file.Path;
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
import org.tidegate.uplink.mqtt.CommandDispatcher;
import org.tidegate.uplink.mqtt.CommandProcessor;
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
@Component(configurationPid = UplinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = UplinkComponent.Config.class)
public class UplinkComponent {
    public static final String PID = "org.tidegate.uplink";

    @ObjectClassDefinition(name = "tidegate MQTT uplink", description = "The broker section of gateway.json")
    public @interface Config {
        @AttributeDefinition(description = "Gateway id: MQTT client id and envelope sender")
        String gatewayId();

        @AttributeDefinition(description = "tcp://host:port (lab only) or ssl://host:port")
        String url() default "tcp://127.0.0.1:1883";

        String topicPrefix() default "tidegate";

        String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Broker password; empty: read passwordEnv")
        String password() default "";

        @AttributeDefinition(description = "Environment variable holding the password when password is empty")
        String passwordEnv() default "TIDEGATE_MQTT_PASSWORD";

        @AttributeDefinition(description = "PEM CA certificate(s) for ssl:// (empty: the JVM trust store)")
        String caFile() default "";

        String certFile() default "";

        String keyFile() default "";

        int keepAliveSeconds() default 30;

        long reconnectMinMs() default 1000;

        long reconnectMaxMs() default 60000;

        @AttributeDefinition(description = "Messages published and not yet acknowledged (PUBACK)")
        int inflight() default 32;

        @AttributeDefinition(description = "Drain rate limit in messages per second; 0: unlimited")
        double rateLimitPerSecond() default 0;

        long progressLogMs() default 10000;
    }

    private final Map<String, CommandHandlerRank> ranked = new ConcurrentSkipListMap<>();
    private final List<StatusProvider> providers = new CopyOnWriteArrayList<>();
    private final List<GatewayDevice> devices = new CopyOnWriteArrayList<>();
    private final MqttUplink uplink;

    @Activate
    public UplinkComponent(Config config,
                           @Reference StoreAndForwardQueue queue,
                           @Reference(target = "(gatewayId=*)") Outbox outbox,
                           @Reference(target = "(gatewayId=*)") EnvelopeOpener commandOpener) {
        UplinkOptions options = options(config);
        if (!outbox.topics().equals(options.topics())) {
            Logger.warn("uplink: the outbox stores for {} but the uplink serves {}", outbox.topics(), options.topics());
        }
        StatusReport status = new StatusReport(options.gatewayId(), StatusReport.bundleVersion(), queue,
                () -> devices.stream().map(GatewayDevice::health).sorted(Comparator.comparing(DeviceHealth::device))
                        .toList(),
                () -> providers);
        CommandDispatcher dispatcher = new CommandDispatcher(options.gatewayId(), this::handlersInOrder);
        uplink = new MqttUplink(options, queue, outbox, status, new CommandProcessor(commandOpener, dispatcher, outbox));
        Logger.info("uplink: {}", options);
        uplink.start();
    }

    static UplinkOptions options(Config c) {
        String password = c.password();
        if (password.isEmpty() && !c.passwordEnv().isEmpty()) {
            String env = System.getenv(c.passwordEnv());
            password = env == null ? "" : env;
        }
        return new UplinkOptions(c.gatewayId(), c.url(), c.topicPrefix(), c.username(), password, path(c.caFile()),
                path(c.certFile()), path(c.keyFile()), c.keepAliveSeconds(), c.reconnectMinMs(), c.reconnectMaxMs(),
                c.inflight(), c.rateLimitPerSecond(), c.progressLogMs());
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    @Deactivate
    void deactivate() {
        uplink.close();
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

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
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
