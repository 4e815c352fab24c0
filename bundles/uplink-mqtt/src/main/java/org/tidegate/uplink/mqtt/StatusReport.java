package org.tidegate.uplink.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.uplink.StatusProvider;
import org.tinylog.Logger;

/**
 * Builds the bodies of the status messages (docs/mqtt.md): the retained {@code online} birth message with
 * version, uptime, queue depth and eviction counters, device states and whatever {@link StatusProvider}s add;
 * and the {@code offline} message used as the MQTT will and at an orderly shutdown.
 */
public final class StatusReport {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        this.startedAt = System.currentTimeMillis();
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
        ObjectNode o = base("online", now);
        o.put("version", version);
        o.put("startedAt", startedAt);
        o.put("uptimeSeconds", (now - startedAt) / 1000);
        o.put("broker", brokerUrl);
        o.put("connects", connectCount);
        QueueStats s = queue.stats();
        ObjectNode q = o.putObject("queue");
        q.put("messages", s.messages());
        q.put("bytes", s.bytes());
        q.put("inFlight", s.inFlight());
        q.put("oldestAgeMs", s.oldestAgeMillis());
        ArrayNode byPriority = q.putArray("byPriority");
        for (long d : s.depthByPriority()) {
            byPriority.add(d);
        }
        q.put("appended", s.appended());
        q.put("delivered", s.delivered());
        q.put("redelivered", s.redelivered());
        ObjectNode evicted = q.putObject("evicted");
        s.evicted().forEach(evicted::put);
        q.put("heldInMemory", s.heldInMemory());
        q.put("storageAvailable", s.storageAvailable());
        if (!s.storageError().isEmpty()) {
            q.put("storageError", s.storageError());
        }
        ArrayNode devs = o.putArray("devices");
        try {
            for (DeviceHealth h : devices.get()) {
                ObjectNode d = devs.addObject();
                d.put("device", h.device());
                d.put("state", h.state());
                d.put("polls", h.polls());
                d.put("failedPolls", h.failedPolls());
                d.put("skippedTicks", h.skippedTicks());
                d.put("lastPollAt", h.lastPollAt());
                if (!h.lastError().isEmpty()) {
                    d.put("lastError", h.lastError());
                    d.put("lastErrorAt", h.lastErrorAt());
                }
            }
        } catch (RuntimeException e) {
            Logger.warn(e, "status: device states unavailable");
        }
        for (StatusProvider p : providers.get()) {
            try {
                o.set(p.name(), JSON.valueToTree(p.status()));
            } catch (RuntimeException e) {
                Logger.warn(e, "status: provider {} failed", p.name());
            }
        }
        return bytes(o);
    }

    /** The will: sealed when the connection is made, published by the broker when the gateway vanishes. */
    public byte[] offline(String reason) {
        long now = System.currentTimeMillis();
        ObjectNode o = base("offline", now);
        o.put("version", version);
        o.put("startedAt", startedAt);
        o.put("reason", reason);
        return bytes(o);
    }

    private ObjectNode base(String state, long now) {
        ObjectNode o = JSON.createObjectNode();
        o.put("gateway", gatewayId);
        o.put("state", state);
        o.put("t", now);
        return o;
    }

    private static byte[] bytes(ObjectNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Object> parse(byte[] body) throws java.io.IOException {
        return JSON.readValue(body, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
}
