package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.tidegate.config.HomeFiles;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.model.Channel;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.DeviceRestart;
import org.tidegate.core.pipeline.DeviceRestartException;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.log.RecentLog;
import org.tidegate.uplink.UplinkLink;

/**
 * The management operations (docs/remote-management.md), run one at a time on the management thread. Each returns
 * its result or throws {@link ChangeException} with the reply's code.
 */
final class Operations {
    /** Operations that change something: their outcome is kept by command id and they are audited as changes. */
    static final Set<String> CHANGES = Set.of("config.put.profile", "config.delete.profile", "config.put.device",
            "config.delete.device", "config.put.gateway", "config.apply", "config.rollback", "device.write",
            "device.restart");
    static final Set<String> READS = Set.of("config.get", "config.snapshots", "device.read", "gateway.status",
            "gateway.logs");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most lines {@code gateway.logs} sends: one reply stays well under the uplink's message limit. */
    static final int MAX_LOG_LINES = 500;

    private final Path home;
    private final RevisionStore revisions;
    private final ChangeApplier applier;
    private final RuntimeView runtime;
    private final DeviceRestarts restarts;
    private final RecentLog recentLog;
    private final java.util.function.Supplier<ManagementSection.Settings> settings;

    Operations(Path home, RevisionStore revisions, ChangeApplier applier, RuntimeView runtime,
               DeviceRestarts restarts, RecentLog recentLog,
               java.util.function.Supplier<ManagementSection.Settings> settings) {
        this.home = home;
        this.revisions = revisions;
        this.applier = applier;
        this.runtime = runtime;
        this.restarts = restarts;
        this.recentLog = recentLog;
        this.settings = settings;
    }

    static boolean handles(String op) {
        return CHANGES.contains(op) || READS.contains(op);
    }

    JsonNode run(String op, JsonNode body, long command, String signer)
            throws ChangeException, IOException, InterruptedException {
        revisions.observe(); // a local edit since the last command is a revision of its own
        return switch (op) {
            case "config.get" -> get();
            case "config.snapshots" -> snapshots();
            case "config.rollback" -> rollback(body, command, signer);
            case "config.put.profile" -> change(body, command, signer,
                    ConfigDocument.put(files(), "profiles", body.get("profile")));
            case "config.delete.profile" -> change(body, command, signer,
                    ConfigDocument.delete(files(), "profiles", text(body, "profile")));
            case "config.put.device" -> change(body, command, signer,
                    ConfigDocument.put(files(), "devices", body.get("device")));
            case "config.delete.device" -> change(body, command, signer,
                    ConfigDocument.delete(files(), "devices", text(body, "device")));
            case "config.put.gateway" -> change(body, command, signer,
                    ConfigDocument.putGateway(files(), body.get("settings")));
            case "config.apply" -> change(body, command, signer, ConfigDocument.whole(files(), body.get("files")));
            case "device.read" -> read(body);
            case "device.write" -> write(body);
            case "device.restart" -> restart(body, command, signer);
            case "gateway.status" -> status();
            case "gateway.logs" -> logs(body);
            default -> throw new ChangeException("BAD_REQUEST", "unknown operation " + op);
        };
    }

    private SortedMap<String, String> files() throws IOException {
        return HomeFiles.read(home);
    }

    private ObjectNode get() throws IOException {
        SortedMap<String, String> files = files();
        ObjectNode r = JSON.createObjectNode();
        r.put("revision", revisions.revision());
        r.put("digest", revisions.digest());
        ArrayNode problems = applier.problems(files);
        r.put("valid", problems.isEmpty());
        if (!problems.isEmpty()) {
            r.set("problems", problems); // edited on site and refused: the gateway runs its last valid configuration
        }
        r.set("files", ConfigDocument.of(files));
        return r;
    }

    private ObjectNode snapshots() throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("revision", revisions.revision());
        ArrayNode list = r.putArray("snapshots");
        for (Snapshot s : revisions.list()) {
            ObjectNode o = list.addObject();
            o.put("revision", s.revision());
            o.put("digest", s.digest());
            o.put("createdAt", s.createdAt());
            o.put("source", s.source());
            o.put("state", s.state());
            o.put("inForce", s.revision() == revisions.revision());
            if (s.command() != 0) {
                o.put("command", s.command());
            }
            if (!s.signer().isEmpty()) {
                o.put("keyFingerprint", s.signer());
            }
            if (!s.note().isEmpty()) {
                o.put("note", s.note());
            }
            o.put("files", s.files().size());
        }
        return r;
    }

    private void checkBase(JsonNode body) throws ChangeException {
        JsonNode base = body.get("baseRevision");
        if (base == null || !base.canConvertToLong() || !base.isIntegralNumber()) {
            throw new ChangeException("BAD_REQUEST", "$.baseRevision: required: the revision this change was made from"
                    + " (config.get says which is in force)");
        }
        if (base.asLong() != revisions.revision()) {
            ObjectNode d = JSON.createObjectNode();
            d.put("revision", revisions.revision());
            d.put("digest", revisions.digest());
            d.put("baseRevision", base.asLong());
            throw new ChangeException("CONFLICT", "the change was made from revision " + base.asLong()
                    + " but revision " + revisions.revision() + " is in force; get it and make the change again", d);
        }
    }

    private JsonNode change(JsonNode body, long command, String signer, SortedMap<String, String> candidate)
            throws ChangeException, IOException, InterruptedException {
        checkBase(body);
        return applier.apply(candidate, "remote", command, signer, "");
    }

    private JsonNode rollback(JsonNode body, long command, String signer)
            throws ChangeException, IOException, InterruptedException {
        JsonNode target = body.get("revision");
        if (target == null || !target.isIntegralNumber()) {
            throw new ChangeException("BAD_REQUEST", "$.revision: required: the revision to restore (config.snapshots)");
        }
        checkBase(body);
        Snapshot s = revisions.get(target.asLong()).orElseThrow(() -> new ChangeException("NOT_FOUND",
                "no snapshot of revision " + target.asLong() + " (the last " + RevisionStore.KEEP + " are kept)"));
        if (s.state().equals("failed")) {
            throw new ChangeException("BAD_REQUEST", "revision " + s.revision() + " failed its trial: " + s.note());
        }
        ObjectNode r = applier.apply(s.files(), "rollback", command, signer, "restores revision " + s.revision());
        r.put("restoredFrom", s.revision());
        return r;
    }

    private GatewayDevice device(JsonNode body) throws ChangeException {
        String id = text(body, "device");
        return runtime.device(id).orElseThrow(() -> new ChangeException("NOT_FOUND", "no running device \"" + id + "\""));
    }

    private Channel channel(GatewayDevice d, JsonNode body) throws ChangeException {
        String ch = text(body, "channel");
        return d.device().channel(ch).orElseThrow(() -> new ChangeException("NOT_FOUND",
                "device " + d.device().id() + " has no channel \"" + ch + "\""));
    }

    private ObjectNode read(JsonNode body) throws ChangeException {
        GatewayDevice d = device(body);
        Channel c = channel(d, body);
        if (!c.access().readable()) {
            throw new ChangeException("BAD_REQUEST", "channel " + d.device().id() + "/" + c.id() + " is write-only");
        }
        ChannelReading r;
        try {
            r = d.readNow(c.id());
        } catch (UnsupportedOperationException e) {
            throw new ChangeException("FAILED", e.getMessage());
        }
        return reading(d, c, r);
    }

    private ObjectNode write(JsonNode body) throws ChangeException {
        GatewayDevice d = device(body);
        Channel c = channel(d, body);
        JsonNode v = body.get("value");
        if (v == null || !(v.isNumber() || v.isBoolean())) {
            throw new ChangeException("BAD_REQUEST", "$.value: required: a number or a boolean");
        }
        if (!c.access().writable()) {
            throw new ChangeException("NOT_WRITABLE", "channel " + d.device().id() + "/" + c.id()
                    + " is not writable (its configuration says access " + c.access().name().toLowerCase() + ")");
        }
        Object value = v.isBoolean() ? (Object) v.asBoolean() : (Object) v.asDouble();
        ChannelReading r;
        try {
            r = d.write(c.id(), value);
        } catch (IllegalArgumentException e) {
            throw new ChangeException("NOT_WRITABLE", e.getMessage());
        }
        if (!r.ok()) {
            throw new ChangeException("FAILED", "write " + d.device().id() + "/" + c.id() + " failed: "
                    + r.status() + (r.detail().isEmpty() ? "" : " " + r.detail()));
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("device", d.device().id());
        o.put("channel", c.id());
        o.put("status", r.status().name());
        o.set("written", v);
        return o;
    }

    private ObjectNode reading(GatewayDevice d, Channel c, ChannelReading r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("device", d.device().id());
        o.put("channel", c.id());
        o.put("status", r.status().name());
        o.put("t", r.timestamp() > 0 ? r.timestamp() : System.currentTimeMillis());
        if (r.ok()) {
            o.set("v", JSON.valueToTree(c.toEngineering(r.raw())));
            if (c.unit() != null && !c.unit().isEmpty()) {
                o.put("u", c.unit());
            }
        } else {
            o.put("detail", r.detail());
        }
        return o;
    }

    /** The gateway's one restart ({@link DeviceRestarts}), waiting for the first poll up to the trial time. */
    private ObjectNode restart(JsonNode body, long command, String signer) throws ChangeException, InterruptedException {
        String id = text(body, "device");
        String who = "remote management command=" + command + (signer.isEmpty() ? "" : " key=" + signer);
        DeviceRestart r;
        try {
            r = restarts.restart(id, who, Duration.ofMillis(settings.get().trialMs()));
        } catch (DeviceRestartException e) {
            throw new ChangeException(e.reason() == DeviceRestartException.Reason.UNKNOWN_DEVICE ? "NOT_FOUND" : "FAILED",
                    e.getMessage());
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("device", id);
        o.put("state", r.firstPoll().state());
        if (!r.firstPoll().state().equals("up") && !r.firstPoll().lastError().isEmpty()) {
            o.put("lastError", r.firstPoll().lastError());
        }
        o.put("restartMs", r.tookMillis());
        o.put("restarts", r.restarts());
        return o;
    }

    ObjectNode status() {
        ObjectNode o = JSON.createObjectNode();
        o.put("revision", revisions.revision());
        o.put("digest", revisions.digest());
        o.put("onTrial", applier.onTrial());
        ArrayNode devices = o.putArray("devices");
        runtime.components(Trial.DEVICE_FACTORY_PID).stream()
                .map(c -> String.valueOf(c.properties().get("device.id"))).sorted().distinct()
                .forEach(id -> runtime.device(id).ifPresentOrElse(d -> devices.add(health(d.health())),
                        () -> devices.addObject().put("device", id).put("state", "not running")));
        ArrayNode links = o.putArray("links");
        for (UplinkLink l : runtime.links()) {
            links.addObject().put("url", l.brokerUrl()).put("connected", l.connected()).put("connects", l.connects());
        }
        return o;
    }

    private ObjectNode health(DeviceHealth h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("device", h.device());
        o.put("state", h.state());
        o.put("polls", h.polls());
        o.put("failedPolls", h.failedPolls());
        o.put("lastPollAt", h.lastPollAt());
        o.put("restarts", restarts.restarts(h.device()));
        if (!h.lastError().isEmpty()) {
            o.put("lastError", h.lastError());
        }
        return o;
    }

    /** The last lines of the gateway's one recent-log ring, whatever the log goes to (a file, the journal). */
    private ObjectNode logs(JsonNode body) throws ChangeException {
        JsonNode asked = body.path("lines");
        if (!asked.isMissingNode() && (!asked.canConvertToInt() || !asked.isIntegralNumber() || asked.asInt() < 1
                || asked.asInt() > MAX_LOG_LINES)) {
            throw new ChangeException("BAD_REQUEST", "$.lines: an integer 1–" + MAX_LOG_LINES + " (got " + asked + ")");
        }
        int n = asked.isMissingNode() ? 50 : asked.asInt();
        ObjectNode o = JSON.createObjectNode();
        ArrayNode lines = o.putArray("lines");
        recentLog.last(n).forEach(lines::add);
        return o;
    }

    private static String text(JsonNode body, String key) throws ChangeException {
        JsonNode v = body.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new ChangeException("BAD_REQUEST", "$." + key + ": required: an id");
        }
        return v.asText();
    }

    static Comparator<Map.Entry<String, String>> byKey() {
        return Map.Entry.comparingByKey();
    }
}
