package org.tidegate.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.store.QueueStats;
import org.tinylog.Logger;

/**
 * The one builder of status message bodies (docs/mqtt.md, "Status message body"), used by the uplink for its
 * {@code online} / {@code offline} messages and by the pipeline for its periodic status, so that the queue and
 * device entries have one shape wherever they appear:
 *
 * <pre>
 * StatusBody.state(gw, "online", now).put("version", v).queue(stats).devices(health, null).providers(list).toBytes()
 * StatusBody.periodic(gw, now).devices(health, activeAlarms).queue(fields).section("pipeline", counters).toBytes()
 * </pre>
 *
 * Not thread-safe; one builder per body.
 */
public final class StatusBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode body = JSON.createObjectNode();

    private StatusBody(String gateway) {
        body.put("gateway", Objects.requireNonNull(gateway, "gateway"));
    }

    /** A body with {@code "state"} ({@code online}, {@code offline}): the uplink's retained messages. */
    public static StatusBody state(String gateway, String state, long t) {
        StatusBody b = new StatusBody(gateway);
        b.body.put("state", state);
        b.body.put("t", t);
        return b;
    }

    /** A body with {@code "kind": "status"}: the pipeline's periodic, stored status message. */
    public static StatusBody periodic(String gateway, long t) {
        StatusBody b = new StatusBody(gateway);
        b.body.put("kind", "status");
        b.body.put("t", t);
        return b;
    }

    /**
     * When the gateway's process started (epoch ms): the {@code startedAt} of every status body, so that a component
     * restarted by a configuration reload (the console, the uplink) does not report the gateway as just started.
     */
    public static long processStartedAt() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** One field; values as for {@link StatusProvider#status()}. */
    public StatusBody put(String key, Object value) {
        body.set(key, JSON.valueToTree(value));
        return this;
    }

    /** {@code "queue"}: the store's state ({@link #queueFields}). */
    public StatusBody queue(QueueStats stats) {
        return queue(queueFields(stats));
    }

    /** {@code "queue"} from fields already collected ({@link #queueFields}, or {@code {"available": false}}). */
    public StatusBody queue(Map<String, ?> fields) {
        return put("queue", fields);
    }

    /**
     * {@code "devices"}: one entry per device ({@link #deviceFields}) in the given order.
     *
     * @param activeAlarms the raised alarms per device id; null when the caller does not know them (then the
     *                     entries carry no {@code alarms} list)
     */
    public StatusBody devices(Collection<DeviceHealth> devices, Map<String, ? extends Collection<String>> activeAlarms) {
        ArrayNode list = body.putArray("devices");
        for (DeviceHealth h : devices) {
            Collection<String> alarms = null;
            if (activeAlarms != null) {
                Collection<String> a = activeAlarms.get(h.device());
                alarms = a == null ? List.of() : a;
            }
            list.add(JSON.valueToTree(deviceFields(h, alarms)));
        }
        return this;
    }

    /** A named object of fields, e.g. the pipeline's counters. */
    public StatusBody section(String name, Map<String, ?> fields) {
        return put(name, fields);
    }

    /** Each provider's fields under its name; a provider that throws is logged and left out. */
    public StatusBody providers(Collection<? extends StatusProvider> providers) {
        for (StatusProvider p : providers) {
            try {
                body.set(p.name(), JSON.valueToTree(p.status()));
            } catch (RuntimeException e) {
                Logger.warn(e, "status: provider {} failed", p.name());
            }
        }
        return this;
    }

    /** The body as UTF-8 JSON. */
    public byte[] toBytes() {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return body.toString();
    }

    /**
     * The queue entry: {@code messages, bytes, inFlight, oldestAgeMs, byPriority[10], appended, delivered,
     * redelivered, evicted{reason: n}, evictedTotal, heldInMemory, storageAvailable, diskFull, diskFullSince,
     * diskFullMs, refused}, {@code storageError} when
     * there is one, {@code salvaged, lost} (damaged files) and, when there is something to say, {@code lostAtLeast}
     * (lost is a lower bound), {@code movedAside} (file name) and {@code mayBeLost: {ids: [from, to], sequences:
     * [from, to]}} (a WAL tail SQLite dropped).
     */
    public static Map<String, Object> queueFields(QueueStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messages", s.messages());
        m.put("bytes", s.bytes());
        m.put("inFlight", s.inFlight());
        m.put("oldestAgeMs", s.oldestAgeMillis());
        m.put("byPriority", s.depthByPriority());
        m.put("appended", s.appended());
        m.put("delivered", s.delivered());
        m.put("redelivered", s.redelivered());
        m.put("evicted", new LinkedHashMap<String, Object>(s.evicted()));
        m.put("evictedTotal", s.evictedTotal());
        m.put("heldInMemory", s.heldInMemory());
        m.put("storageAvailable", s.storageAvailable());
        m.put("diskFull", s.diskFull());
        m.put("diskFullSince", s.diskFullSince());
        m.put("diskFullMs", s.diskFullMillis());
        m.put("refused", s.refusedAppends());
        if (!s.storageError().isEmpty()) {
            m.put("storageError", s.storageError());
        }
        QueueStats.Damage d = s.damage();
        m.put("salvaged", d.salvaged());
        m.put("lost", d.lost());
        if (d.lostAtLeast()) {
            m.put("lostAtLeast", true);
        }
        if (!d.movedAside().isEmpty()) {
            m.put("movedAside", d.movedAside());
        }
        if (!d.mayBeLost().isNone()) {
            QueueStats.Range r = d.mayBeLost();
            m.put("mayBeLost", Map.of("ids", List.of(r.fromId(), r.toId()),
                    "sequences", List.of(r.fromSequence(), r.toSequence())));
        }
        return m;
    }

    /**
     * A device entry: {@code device, state, polls, failedPolls, skippedTicks, lastPollAt, lastPollMs, lastError
     * ("" when none), lastErrorAt (0 when none)}, {@code faults} (failed requests by reason, e.g.
     * {@code {"noise": 41, "timeout": 2}}) when the driver counted any, and, when {@code alarms} is not null, {@code alarms}.
     */
    public static Map<String, Object> deviceFields(DeviceHealth h, Collection<String> alarms) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("device", h.device());
        d.put("state", h.state());
        d.put("polls", h.polls());
        d.put("failedPolls", h.failedPolls());
        d.put("skippedTicks", h.skippedTicks());
        d.put("lastPollAt", h.lastPollAt());
        d.put("lastPollMs", h.lastPollMillis());
        d.put("lastError", h.lastError());
        d.put("lastErrorAt", h.lastErrorAt());
        if (!h.faults().isEmpty()) {
            d.put("faults", new LinkedHashMap<String, Object>(h.faults()));
        }
        if (alarms != null) {
            d.put("alarms", List.copyOf(alarms));
        }
        return d;
    }
}
