package org.tidegate.uplink.mqtt;

import java.util.List;
import java.util.function.Supplier;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.outbox.StatusBody;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.store.StoreAndForwardQueue;
import org.tinylog.Logger;

/**
 * The uplink's status messages (docs/mqtt.md), built with the one {@link StatusBody} builder: the retained
 * {@code online} birth message with version, uptime, queue depth and eviction counters, device states and whatever
 * {@link StatusProvider}s add; and the {@code offline} message used as the MQTT will and at an orderly shutdown.
 * This class only knows what is the uplink's own: the broker, the connect count, the process start.
 */
public final class StatusReport {
    private final String gatewayId;
    private final String version;
    private final long startedAt;
    private final StoreAndForwardQueue queue;
    private final Supplier<List<DeviceHealth>> devices;
    private final Supplier<List<StatusProvider>> providers;

    public StatusReport(String gatewayId, String version, StoreAndForwardQueue queue,
                        Supplier<List<DeviceHealth>> devices, Supplier<List<StatusProvider>> providers) {
        this.gatewayId = gatewayId;
        this.version = version;
        this.startedAt = StatusBody.processStartedAt();
        this.queue = queue;
        this.devices = devices == null ? List::of : devices;
        this.providers = providers == null ? List::of : providers;
    }

    /** The implementation version of this bundle's jar, or {@code dev} when run from classes. */
    public static String bundleVersion() {
        String v = StatusReport.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    public byte[] online(String brokerUrl, long connectCount) {
        long now = System.currentTimeMillis();
        StatusBody b = StatusBody.state(gatewayId, "online", now)
                .put("version", version)
                .put("startedAt", startedAt)
                .put("uptimeSeconds", (now - startedAt) / 1000)
                .put("broker", brokerUrl)
                .put("connects", connectCount)
                .queue(queue.stats());
        List<DeviceHealth> health;
        try {
            health = devices.get();
        } catch (RuntimeException e) {
            Logger.warn(e, "status: device states unavailable");
            health = List.of();
        }
        return b.devices(health, null).providers(providers.get()).toBytes();
    }

    /** The will: sealed when the connection is made, published by the broker when the gateway vanishes. */
    public byte[] offline(String reason) {
        return StatusBody.state(gatewayId, "offline", System.currentTimeMillis())
                .put("version", version)
                .put("startedAt", startedAt)
                .put("reason", reason)
                .toBytes();
    }
}
