package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.config.GatewayConfig;
import org.tidegate.config.LoadResult;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.model.Channel;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import org.tidegate.log.RecentLog;
import org.tidegate.core.body.JsonNumbers;
import org.tidegate.outbox.StatusBody;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.store.QueueStats;
import org.tinylog.Logger;

/**
 * The console's JSON API (docs/console.md): what each page and {@code tidegate status} read. The status document
 * is built by the outbox's {@link StatusBody}, the one builder of status bodies, so its queue and device entries
 * have the shape of the cloud's status messages.
 */
final class ConsoleApi {
    /** Keys whose values the configuration page never shows. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|token|passphrase).*");

    private final ConsoleSettings settings;
    private final GatewayView gateway;
    private final LiveValues live;
    private final AlarmLog alarms;
    private final String version;
    private final long startedAt;
    private volatile String fingerprint;

    ConsoleApi(ConsoleSettings settings, GatewayView gateway, LiveValues live, AlarmLog alarms, String version,
               long startedAt) {
        this.settings = settings;
        this.gateway = gateway;
        this.live = live;
        this.alarms = alarms;
        this.version = version;
        this.startedAt = startedAt;
    }

    /** {@code GET /api/status}: the overview. */
    JsonNode status() {
        long now = System.currentTimeMillis();
        QueueStats q = gateway.queue();
        StatusBody b = StatusBody.state(settings.gatewayId(), "running", now)
                .put("version", version)
                .put("startedAt", startedAt)
                .put("uptimeMs", now - startedAt)
                .put("fingerprint", fingerprint())
                .put("configRevision", configRevision())
                .queue(q == null ? Map.of("available", false) : StatusBody.queueFields(q))
                .devices(health(), openAlarmsByDevice())
                .providers(gateway.providers());
        try {
            return Exchange.JSON.readTree(b.toBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /api/devices}: health, last values and writable outputs of every running device. */
    List<Map<String, Object>> devices() {
        Map<String, List<String>> open = openAlarmsByDevice();
        List<Map<String, Object>> out = new ArrayList<>();
        for (GatewayDevice d : sorted(gateway.devices())) {
            DeviceHealth h;
            try {
                h = d.health();
            } catch (RuntimeException e) {
                continue;
            }
            Map<String, Object> m = StatusBody.deviceFields(h, open.getOrDefault(h.device(), List.of()));
            m.put("protocol", d.device().protocol());
            m.put("profile", d.device().profile());
            m.put("pollIntervalMs", d.device().pollInterval().toMillis());
            DeviceRestarts restarts = gateway.restarts();
            m.put("restarts", restarts == null ? 0 : restarts.restarts(h.device()));
            Map<String, Object> values = new LinkedHashMap<>();
            live.lastValues(h.device()).forEach((ch, l) -> {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("t", l.t());
                v.put("v", JsonNumbers.shortest(l.value()));
                v.put("u", l.unit());
                v.put("q", l.quality());
                if (!l.detail().isEmpty()) {
                    v.put("detail", l.detail());
                }
                values.put(ch, v);
            });
            m.put("values", values);
            List<String> outputs = new ArrayList<>();
            for (Channel c : d.device().channels()) {
                if (c.access().writable() && c.type() == org.tidegate.core.model.DataType.BOOL) {
                    outputs.add(c.id());
                }
            }
            m.put("outputs", outputs);
            out.add(m);
        }
        return out;
    }

    /** {@code GET /api/series[?ch=DEVICE/CHANNEL...]}: the charts' points. */
    Map<String, Object> series(List<String> only) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resolutionSeconds", settings.chartResolutionSeconds());
        m.put("windowSeconds", SeriesRing.WINDOW_MS / 1000);
        m.put("series", live.series(System.currentTimeMillis(), only));
        return m;
    }

    /** {@code GET /api/alarms}. */
    Map<String, Object> alarms() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", alarms.open());
        m.put("recent", alarms.recent(AlarmLog.KEEP));
        m.put("raised", alarms.raised());
        m.put("cleared", alarms.cleared());
        return m;
    }

    /** {@code GET /api/log?lines=N}: from the gateway's recent-log ring, whether the log goes to a file or the journal. */
    Map<String, Object> log(int lines) {
        RecentLog ring = gateway.recentLog();
        if (ring == null) {
            return Map.of("source", "memory", "held", 0, "dropped", 0, "lines", List.of());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "memory");
        m.put("held", ring.lines());
        m.put("dropped", ring.dropped());
        m.put("lines", ring.last(lines));
        return m;
    }

    /** {@code GET /api/config}: the configuration in force (secrets hidden) and the problems of the files now. */
    Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        ConfigurationReloader r = gateway.reloader();
        m.put("home", settings.home().toString());
        m.put("revision", configRevision());
        if (r == null) {
            m.put("available", false);
            return m;
        }
        GatewayConfig c = r.current();
        if (c != null) {
            Map<String, Object> sections = new TreeMap<>();
            c.sections().forEach((name, props) -> sections.put(name, redact(props)));
            m.put("sections", sections);
            Map<String, Object> devices = new TreeMap<>();
            c.documents().forEach((id, json) -> {
                try {
                    devices.put(id, Exchange.JSON.readTree(json));
                } catch (IOException e) {
                    devices.put(id, json);
                }
            });
            m.put("devices", devices);
        }
        LoadResult check = r.check();
        m.put("valid", check.ok());
        m.put("errors", problems(check.errors()));
        m.put("warnings", problems(check.warnings()));
        return m;
    }

    private static List<String> problems(Collection<ConfigProblem> ps) {
        return ps.stream().map(ConfigProblem::toString).toList();
    }

    private static Map<String, Object> redact(Map<String, Object> props) {
        Map<String, Object> out = new TreeMap<>();
        props.forEach((k, v) -> {
            if (k.equals("tidegate.source") || k.equals("home")) {
                return;
            }
            out.put(k, SECRET.matcher(k).matches() && v != null && !v.toString().isEmpty() ? "(hidden)" : v);
        });
        return out;
    }

    /** First 12 hex digits of SHA-256 over the configuration in force (sections and device documents, sorted). */
    String configRevision() {
        ConfigurationReloader r = gateway.reloader();
        GatewayConfig c = r == null ? null : r.current();
        if (c == null) {
            return "";
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(c.sections()).forEach((k, v) -> {
                md.update(k.getBytes(StandardCharsets.UTF_8));
                new TreeMap<>(v).forEach((pk, pv) -> {
                    if (!pk.equals("home")) {
                        md.update((pk + "=" + pv + ";").getBytes(StandardCharsets.UTF_8));
                    }
                });
            });
            new TreeMap<>(c.documents()).forEach((k, v) -> md.update((k + "=" + v + ";").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SM3 fingerprint of the gateway's public key ({@code keys/gateway.pub.pem}), as provisioning printed it. */
    String fingerprint() {
        String f = fingerprint;
        if (f != null) {
            return f;
        }
        Path pub = settings.home().resolve("keys").resolve("gateway.pub.pem");
        try {
            if (!Files.isRegularFile(pub)) {
                return "";
            }
            f = SmKeys.fingerprintGrouped(PemKeys.readPublicKey(pub));
            fingerprint = f;
            return f;
        } catch (Exception e) {
            Logger.warn("console: cannot read {}: {}", pub, e.getMessage());
            return "";
        }
    }

    /** Raised alarms by device ({@code event} names), from the pipeline's observer. */
    Map<String, List<String>> openAlarmsByDevice() {
        Map<String, Set<String>> byDevice = new TreeMap<>();
        for (Map<String, Object> a : alarms.open()) {
            byDevice.computeIfAbsent((String) a.get("device"), k -> new TreeSet<>()).add((String) a.get("event"));
        }
        Map<String, List<String>> out = new TreeMap<>();
        byDevice.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    List<DeviceHealth> health() {
        List<DeviceHealth> out = new ArrayList<>();
        for (GatewayDevice d : sorted(gateway.devices())) {
            try {
                out.add(d.health());
            } catch (RuntimeException e) {
                Logger.warn(e, "device={} health unavailable", d.device().id());
            }
        }
        return out;
    }

    private static List<GatewayDevice> sorted(Collection<GatewayDevice> ds) {
        List<GatewayDevice> l = new ArrayList<>(ds);
        l.sort(java.util.Comparator.comparing(d -> d.device().id()));
        return l;
    }

    /** A status provider's fields by name (empty if there is none); for metrics. */
    Map<String, Object> provider(String name) {
        for (StatusProvider p : gateway.providers()) {
            if (p.name().equals(name)) {
                try {
                    return p.status();
                } catch (RuntimeException e) {
                    return Map.of();
                }
            }
        }
        return Map.of();
    }
}
