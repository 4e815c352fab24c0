package org.tidegate.uplink;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The MQTT session as other bundles may see it, registered by the uplink component: remote configuration waits on
 * it after a change to the broker settings (the trial passes only when the gateway is connected again).
 */
@ProviderType
public interface UplinkLink {

    /** The broker URL this session uses. */
    String brokerUrl();

    /** A session with the broker is up now. */
    boolean connected();

    /** Successful connects of this session since it was made. */
    long connects();

    /** The last connection failure or loss, empty if none. */
    String lastError();
}
