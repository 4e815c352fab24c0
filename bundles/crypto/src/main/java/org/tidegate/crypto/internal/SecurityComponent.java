package org.tidegate.crypto.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
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
 * {@code gatewayId}). The configuration is decoded by the section's schema ({@link SecuritySection#read}):
 * the same checks and defaults as gateway.json. If it breaks the schema, or the private key is missing,
 * unreadable or accessible by group/others, activation fails with a clear log line and nothing is registered,
 * so nothing that needs to seal (the uplink) starts.
 */
@Component(configurationPid = SecurityComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = SecurityComponent.Config.class)
public class SecurityComponent {
    public static final String PID = SecuritySection.PID;

    /**
     * The security section as ConfigAdmin holds it, for MetaType only: the component reads its properties
     * with {@link SecuritySection#read}. Defaults and limits are the schema's constants.
     */
    @ObjectClassDefinition(name = "tidegate security", description = "Gateway identity and envelope settings"
            + " (the security section of gateway.json)")
    public @interface Config {
        @AttributeDefinition(description = "The gateway id (also the sender id of its envelopes)")
        String gatewayId();

        @AttributeDefinition(description = "Absolute path of the gateway home")
        String home() default ".";

        String privateKey() default SecuritySection.DEFAULT_PRIVATE_KEY;

        String publicKey() default SecuritySection.DEFAULT_PUBLIC_KEY;

        String cloudId() default SecuritySection.DEFAULT_CLOUD_ID;

        String cloudPublicKey() default SecuritySection.DEFAULT_CLOUD_PUBLIC_KEY;

        boolean encrypt() default SecuritySection.DEFAULT_ENCRYPT;

        boolean sign() default SecuritySection.DEFAULT_SIGN;

        @AttributeDefinition(description = "Commands must be created within ± this many seconds of the gateway clock",
                min = "" + SecuritySection.MIN_COMMAND_WINDOW_SECONDS, max = "" + SecuritySection.MAX_COMMAND_WINDOW_SECONDS)
        long commandWindowSeconds() default SecuritySection.DEFAULT_COMMAND_WINDOW_SECONDS;

        @AttributeDefinition(min = "" + SecuritySection.MIN_KEY_ROTATION_HOURS, max = "" + SecuritySection.MAX_KEY_ROTATION_HOURS)
        long keyRotationHours() default SecuritySection.DEFAULT_KEY_ROTATION_HOURS;

        @AttributeDefinition(min = "" + SecuritySection.MIN_KEY_ROTATION_MESSAGES,
                max = "" + SecuritySection.MAX_KEY_ROTATION_MESSAGES)
        long keyRotationMessages() default SecuritySection.DEFAULT_KEY_ROTATION_MESSAGES;

        @AttributeDefinition(description = "Bodies of at least this many bytes are deflated; 0 disables",
                min = "" + SecuritySection.MIN_DEFLATE_MIN_BYTES, max = "" + SecuritySection.MAX_DEFLATE_MIN_BYTES)
        long deflateMinBytes() default SecuritySection.DEFAULT_DEFLATE_MIN_BYTES;

        String replayState() default SecuritySection.DEFAULT_REPLAY_STATE;
    }

    private final ServiceRegistration<EnvelopeSealer> sealerRegistration;
    private final ServiceRegistration<EnvelopeOpener> openerRegistration;

    @Activate
    public SecurityComponent(Map<String, Object> properties, BundleContext context) throws Exception {
        GatewayCrypto crypto;
        try {
            crypto = GatewayCrypto.load(SecuritySection.read(properties));
        } catch (Exception e) {
            Logger.error("gateway={} refusing to start the security component: {}",
                    properties == null ? null : properties.get("gatewayId"), e.getMessage());
            throw e;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("gatewayId", crypto.settings().gatewayId());
        props.put("fingerprint", crypto.fingerprint());
        sealerRegistration = context.registerService(EnvelopeSealer.class, crypto.sealer(), props);
        openerRegistration = context.registerService(EnvelopeOpener.class, crypto.commandOpener(), props);
    }

    @Deactivate
    void deactivate() {
        sealerRegistration.unregister();
        openerRegistration.unregister();
    }
}
