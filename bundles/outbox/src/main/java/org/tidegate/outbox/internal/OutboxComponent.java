package org.tidegate.outbox.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Topics;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreAndForwardQueue;
import org.tinylog.Logger;

/**
 * The outbox in OSGi: the store's queue and sequence counter and the security bundle's sealer as references,
 * the {@link Outbox} service as the result (property {@code gatewayId}).
 *
 * <p>Its two settings, the gateway id and the topic prefix, are read from the uplink's configuration (PID
 * {@value #PID}, the broker section of gateway.json), because the topic a message is stored under is part of the
 * stored message and must be the one the uplink's session uses. The outbox does not designate that PID (the
 * uplink's metatype describes it) and reads nothing else from it. The service is registered by hand so that the
 * configuration's other properties (the broker password among them) do not become service properties.
 */
@Component(configurationPid = OutboxComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public class OutboxComponent {
    public static final String PID = "org.tidegate.uplink";

    /**
     * The keys of the uplink configuration that the outbox reads. The broker section's schema (in the uplink
     * bundle, which depends on this one) checks them; its topic prefix default is {@link Topics#DEFAULT_PREFIX}.
     */
    public @interface Config {
        String gatewayId();

        String topicPrefix() default Topics.DEFAULT_PREFIX;
    }

    private final ServiceRegistration<Outbox> registration;

    @Activate
    public OutboxComponent(Config config, BundleContext context,
                           @Reference StoreAndForwardQueue queue,
                           @Reference SequenceSource sequences,
                           @Reference(target = "(gatewayId=*)") EnvelopeSealer sealer) {
        Outbox outbox = Outbox.create(new Topics(config.topicPrefix(), config.gatewayId()), sequences, sealer, queue);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("gatewayId", config.gatewayId());
        registration = context.registerService(Outbox.class, outbox, props);
        Logger.info("outbox: gateway={} topics {}/{}/…", config.gatewayId(), outbox.topics().prefix(),
                config.gatewayId());
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // framework stopping
        }
    }
}
