package org.tidegate.crypto.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.GatewayCrypto;
import org.tinylog.Logger;

/**
 * The gateway's identity inside OSGi: loads {@link GatewayCrypto} from configuration {@value #PID} and
 * registers its {@link EnvelopeSealer} and command {@link EnvelopeOpener} as services (property
 * {@code gatewayId}). If the private key is missing, unreadable or accessible by group/others, activation
 * fails with a clear log line and nothing is registered, so nothing that needs to seal (the uplink) starts.
 */
@Component(configurationPid = SecurityComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = SecurityComponent.Config.class)
public class SecurityComponent {
    public static final String PID = "org.tidegate.security";

    @ObjectClassDefinition(name = "tidegate security", description = "Gateway identity and envelope settings"
            + " (the security section of gateway.json)")
    public @interface Config {
        @AttributeDefinition(description = "The gateway id (also the sender id of its envelopes)")
        String gatewayId();

        @AttributeDefinition(description = "Absolute path of the gateway home")
        String home() default ".";

        String privateKey() default "keys/gateway.key.pem";

        String publicKey() default "keys/gateway.pub.pem";

        String cloudId() default "cloud";

        String cloudPublicKey() default "keys/cloud.pub.pem";

        boolean encrypt() default true;

        boolean sign() default true;

        @AttributeDefinition(description = "Commands must be created within ± this many seconds of the gateway clock")
        int commandWindowSeconds() default 300;

        int keyRotationHours() default 24;

        long keyRotationMessages() default 1L << 20;

        @AttributeDefinition(description = "Bodies of at least this many bytes are deflated; 0 disables")
        int deflateMinBytes() default 256;

        String replayState() default GatewayCrypto.DEFAULT_REPLAY_STATE;
    }

    private final ServiceRegistration<EnvelopeSealer> sealerRegistration;
    private final ServiceRegistration<EnvelopeOpener> openerRegistration;

    @Activate
    public SecurityComponent(Config config, BundleContext context) throws Exception {
        GatewayCrypto crypto;
        try {
            crypto = GatewayCrypto.load(settings(config));
        } catch (Exception e) {
            Logger.error("gateway={} refusing to start the security component: {}", config.gatewayId(), e.getMessage());
            throw e;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("gatewayId", config.gatewayId());
        props.put("fingerprint", crypto.fingerprint());
        sealerRegistration = context.registerService(EnvelopeSealer.class, crypto.sealer(), props);
        openerRegistration = context.registerService(EnvelopeOpener.class, crypto.commandOpener(), props);
    }

    @Deactivate
    void deactivate() {
        sealerRegistration.unregister();
        openerRegistration.unregister();
    }

    /** The configuration as {@link GatewayCrypto.Settings}; relative paths are resolved against the home. */
    public static GatewayCrypto.Settings settings(Config c) {
        GatewayCrypto.Settings d = GatewayCrypto.Settings.defaults(c.gatewayId(), Path.of(c.home()));
        return new GatewayCrypto.Settings(c.gatewayId(), d.home(), d.resolve(c.privateKey()), d.resolve(c.publicKey()),
                c.cloudId(), d.resolve(c.cloudPublicKey()), c.encrypt(), c.sign(),
                Duration.ofSeconds(c.commandWindowSeconds()), Duration.ofHours(c.keyRotationHours()),
                c.keyRotationMessages(), c.deflateMinBytes(), d.resolve(c.replayState()));
    }
}
