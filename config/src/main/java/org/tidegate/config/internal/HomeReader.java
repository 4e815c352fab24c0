package org.tidegate.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tidegate.config.ConfigSchemas;
import org.tidegate.config.GatewayConfig;
import org.tidegate.config.LoadResult;
import org.tidegate.config.HomeFiles;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionSchema;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Ids;

/**
 * Reads a whole home directory in one pass: loads the files, merges each device with its profile into one
 * resolved document, and hands every part to the schema that owns it (sections, drivers, whole-home checks).
 * Knows no protocol and no section key. Reads only: nothing is applied here.
 *
 * <p>A device file either names a {@code profile} (and may adjust its channels with an object keyed by
 * channel id) or gives {@code protocol} and a {@code channels} array inline. Problems found in a profile's
 * channel name the profile file; problems in a device's adjustments name the device file.
 */
public final class HomeReader {
    public static final String GATEWAY_FILE = "gateway.json";

    private final Path home;
    private final ConfigSchemas schemas;
    private final ConfigProblems problems = new ConfigProblems();
    private final List<ConfigNode> documents = new ArrayList<>();
    /** The configuration files to read instead of the disk's (a candidate change), or null: read the disk. */
    private final Map<String, String> candidate;

    private HomeReader(Path home, ConfigSchemas schemas, Map<String, String> candidate) {
        this.home = home.toAbsolutePath().normalize();
        this.schemas = schemas;
        this.candidate = candidate;
    }

    public static LoadResult check(Path home, ConfigSchemas schemas) {
        return new HomeReader(home, schemas, null).run();
    }

    /** As {@link #check(Path, ConfigSchemas)}, and whether {@code runAs} can read and write the files ({@link HomeAccess}). */
    public static LoadResult checkAs(Path home, ConfigSchemas schemas, HomeAccess.User runAs) {
        HomeReader r = new HomeReader(home, schemas, null);
        HomeAccess.check(r.home, runAs, r.problems);
        return r.run();
    }

    /**
     * Checks {@code files} (relative path → JSON text: {@code gateway.json}, {@code profiles/*.json},
     * {@code devices/*.json}, every configuration file of the candidate) as if they were the home's files, without
     * writing anything. Key and certificate paths still resolve against {@code home}: a remote change is checked
     * against the files it will meet there.
     */
    public static LoadResult check(Path home, ConfigSchemas schemas, Map<String, String> files) {
        return new HomeReader(home, schemas, Map.copyOf(files)).run();
    }

    private record Profile(String id, String protocol, String file, ConfigNode node) {
    }

    private LoadResult run() {
        if (!Files.isDirectory(home)) {
            problems.error(home.toString(), "$", "is not a directory (expected a gateway home with gateway.json, profiles/, devices/)");
            return result(null);
        }
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        Map<String, String> pids = new LinkedHashMap<>();
        ConfigNode g = read(GATEWAY_FILE);
        String id = "";
        String site = "";
        if (g != null && g.isObject(true)) {
            id = g.string("id", true, "");
            if (g.child("id").present() && Ids.problem(id) != null) {
                g.child("id").error("gateway id " + Ids.problem(id));
            }
            site = g.string("site", false, "");
            HomeInfo info = new HomeInfo(home, id, g::child);
            for (SectionSchema schema : schemas.sections()) {
                ConfigNode s = g.child(schema.name());
                if (!s.isObject(schema.required())) {
                    s = ConfigNode.at(GATEWAY_FILE, s.path(), ConfigNode.emptyObject(), problems); // defaults only
                }
                Map<String, Object> props = new LinkedHashMap<>(schema.properties(s, info));
                props.put("gatewayId", id);
                props.put("home", home.toString());
                sections.put(schema.name(), props);
                pids.put(schema.name(), schema.pid());
            }
            documents.add(g);
        }
        Map<String, Profile> profiles = readProfiles();
        Map<String, String> resolved = new LinkedHashMap<>();
        List<HomeCheck.DecodedDevice> devices = readDevices(profiles, resolved);
        for (HomeCheck check : schemas.checks()) {
            check.check(devices);
        }
        documents.forEach(ConfigNode::reportUnknownKeys);
        if (problems.errorCount() > 0) {
            return result(null);
        }
        List<Device> decoded = devices.stream().map(HomeCheck.DecodedDevice::device).toList();
        return result(new GatewayConfig(home, id, site, sections, pids, decoded, resolved));
    }

    private LoadResult result(GatewayConfig config) {
        // A profile used by several devices would report its problems once per device: once is enough.
        return new LoadResult(config, List.copyOf(new LinkedHashSet<>(problems.errors())),
                List.copyOf(new LinkedHashSet<>(problems.warnings())));
    }

    // ---- profiles ----

    /** Profile files that could not be read as a JSON object (their problems are recorded already). */
    private final List<String> unreadProfiles = new ArrayList<>();

    private Map<String, Profile> readProfiles() {
        Map<String, Profile> out = new LinkedHashMap<>();
        for (String file : list("profiles")) {
            ConfigNode p = read(file);
            if (p == null || !p.isObject(true)) {
                unreadProfiles.add(file);
                continue;
            }
            documents.add(p);
            String id = p.string("id", true, "");
            if (p.child("id").present() && Ids.problem(id) != null) {
                p.child("id").error("profile id " + Ids.problem(id));
            }
            String protocol = protocol(p, "");
            p.known("description", "vendor", "model");
            DriverSchema driver = protocol == null ? null : schemas.drivers().get(protocol);
            if (driver != null) {
                DeviceSchema.readProfile(p, driver); // its problems even while no device uses it
            } else {
                p.known("options", "channels");
            }
            if (out.containsKey(id)) {
                p.child("id").error("profile id \"" + id + "\" is also used by " + out.get(id).file());
            } else if (!id.isEmpty()) {
                out.put(id, new Profile(id, protocol, file, p));
            }
        }
        return out;
    }

    /** The {@code protocol} key: one whose schema some bundle provides, else null (and a problem). */
    private String protocol(ConfigNode n, String why) {
        List<String> known = List.copyOf(schemas.drivers().keySet());
        if (!n.child("protocol").present()) {
            n.child("protocol").error("is required" + why + " (one of " + known + ")");
            return null;
        }
        String protocol = n.string("protocol", true, "");
        if (!schemas.drivers().containsKey(protocol)) {
            String hint = ConfigNode.closest(protocol, known);
            n.child("protocol").error("\"" + protocol + "\" is not a protocol of this gateway"
                    + (hint == null ? "" : " (did you mean \"" + hint + "\"?)")
                    + "; protocols with a driver: " + known);
            return null;
        }
        return protocol;
    }

    /**
     * Why a device's profile is not there: a profile file that could not be read (its own error says why) is named,
     * so that a syntax error in it does not read as a missing profile; else the closest known id.
     */
    private String missingProfile(String profileId, java.util.Set<String> known) {
        List<String> unread = unreadProfiles.stream().filter(f -> f.equals("profiles/" + profileId + ".json")).toList();
        if (!unread.isEmpty()) {
            return "profile \"" + profileId + "\" is not loaded: " + unread.get(0)
                    + " could not be read (see its error above)";
        }
        String hint = ConfigNode.closest(profileId, List.copyOf(known));
        return "no profile \"" + profileId + "\" in profiles/"
                + (hint == null ? "" : " (did you mean \"" + hint + "\"?)") + " (known: " + known + ")";
    }

    // ---- devices ----

    private List<HomeCheck.DecodedDevice> readDevices(Map<String, Profile> profiles, Map<String, String> resolved) {
        List<HomeCheck.DecodedDevice> out = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        List<String> files = list("devices");
        if (files.isEmpty()) {
            problems.warn("devices/", "$", "no device files: the gateway will run but poll nothing");
        }
        for (String file : files) {
            ConfigNode d = read(file);
            if (d == null || !d.isObject(true)) {
                continue;
            }
            String id = d.string("id", true, "");
            String stem = Path.of(file).getFileName().toString().replaceFirst("\\.json$", "");
            if (!id.isEmpty() && Ids.problem(id) == null && !stem.equals(id)) {
                d.child("id").warn("device id \"" + id + "\" differs from its file name; name the file " + id + ".json");
            }
            if (ids.containsKey(id) && !id.isEmpty()) {
                d.child("id").error("device id \"" + id + "\" is also used by " + ids.get(id));
            }
            ids.put(id, file);
            boolean enabled = d.bool("enabled", true);
            boolean inline = d.child("channels").present() && d.child("channels").json().isArray();
            ConfigNode doc;
            String protocol;
            if (inline) {
                if (d.child("profile").present()) {
                    d.child("channels").error("an inline channel array cannot be combined with a profile; "
                            + "to adjust profile channels use an object keyed by channel id");
                }
                protocol = protocol(d, " when channels are given inline");
                doc = d;
            } else {
                String profileId = d.string("profile", true, "");
                Profile profile = profiles.get(profileId);
                if (!profileId.isEmpty() && profile == null) {
                    d.child("profile").error(missingProfile(profileId, profiles.keySet()));
                }
                if (profile == null) {
                    DeviceSchema.readWithoutDriver(d);
                    documents.add(d);
                    continue;
                }
                protocol = profile.protocol();
                if (d.child("protocol").present() && !d.string("protocol", false, "").equals(protocol)) {
                    d.child("protocol").error("profile " + profileId + " is " + protocol + "; leave protocol out or match it");
                }
                doc = merge(d, profile, file);
            }
            DriverSchema driver = protocol == null ? null : schemas.drivers().get(protocol);
            if (driver == null) {
                DeviceSchema.readWithoutDriver(doc);
                documents.add(doc);
                continue; // the protocol is reported; its keys cannot be told known or unknown
            }
            documents.add(doc);
            Device device = DeviceSchema.read(doc, driver);
            if (enabled) {
                out.add(new HomeCheck.DecodedDevice(device, doc));
                resolved.put(device.id(), doc.toJsonText());
            }
        }
        return out;
    }

    /**
     * The device file laid over its profile: the device's keys, the profile's protocol and options (unless the
     * device has its own), and the profile's channels with the device's per-channel adjustments. Origins record
     * which file each part came from.
     */
    private ConfigNode merge(ConfigNode d, Profile profile, String file) {
        ObjectNode doc = ConfigNode.emptyObject();
        d.json().fields().forEachRemaining(e -> {
            if (!e.getKey().equals("channels")) {
                doc.set(e.getKey(), e.getValue());
            }
        });
        doc.put("protocol", profile.protocol());
        JsonNode profileJson = profile.node().json();
        ConfigNode root = ConfigNode.root(file, doc, problems);
        if (!doc.has("options") && profileJson.has("options")) {
            doc.set("options", profileJson.get("options"));
            root.origin(doc, "options", profile.file(), "$.options");
        }
        JsonNode profileChannels = profileJson.get("channels");
        if (profileChannels == null || !profileChannels.isArray()) {
            if (profileChannels != null) {
                doc.set("channels", profileChannels);
                root.origin(doc, "channels", profile.file(), "$.channels");
            }
            return root;
        }
        ArrayNode channels = doc.putArray("channels");
        root.origin(doc, "channels", profile.file(), "$.channels");
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (JsonNode c : profileChannels) {
            JsonNode copy = c.deepCopy();
            channels.add(copy);
            if (copy.isObject() && copy.path("id").isTextual()) {
                byId.putIfAbsent(copy.get("id").asText(), (ObjectNode) copy);
            }
        }
        ConfigNode overrides = d.child("channels");
        if (!overrides.isObject(false)) {
            return root;
        }
        for (String chId : overrides.keys()) {
            ConfigNode o = overrides.child(chId);
            ObjectNode target = byId.get(chId);
            if (target == null) {
                String hint = ConfigNode.closest(chId, List.copyOf(byId.keySet()));
                o.error("the profile has no channel \"" + chId + "\""
                        + (hint == null ? "" : " (did you mean \"" + hint + "\"?)") + " (channels: " + byId.keySet() + ")");
                continue;
            }
            if (!o.isObject(true)) {
                continue;
            }
            for (String key : o.keys()) {
                if (key.equals("id") || key.equals("address")) {
                    o.child(key).error("a device file cannot change a profile channel's " + key
                            + "; define another profile (or the channels inline) instead");
                    continue;
                }
                target.set(key, o.json().get(key));
                root.origin(target, key, file, "$.channels." + chId + "." + key);
            }
        }
        return root;
    }

    // ---- files ----

    private List<String> list(String dir) {
        if (candidate != null) {
            return candidate.keySet().stream().filter(f -> f.startsWith(dir + "/") && f.endsWith(".json")
                    && f.indexOf('/', dir.length() + 1) < 0).sorted().toList();
        }
        Path d = home.resolve(dir);
        if (!Files.isDirectory(d)) {
            problems.warn(dir + "/", "$", "directory is missing");
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            List<String> files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .map(p -> dir + "/" + p.getFileName())
                    .sorted()
                    .toList();
            // the names a reload from the cloud can write, so that a file is read in one way or the other in neither
            for (String f : files) {
                if (!HomeFiles.isConfigFile(f)) {
                    problems.warn(f, "$", "ignored: " + (f.startsWith(dir + "/.") ? "a hidden file (its name begins"
                            + " with \".\")" : "a configuration file's name is letters, digits, '.', '_' and '-' (at"
                            + " most 64) before .json"));
                }
            }
            return files.stream().filter(HomeFiles::isConfigFile).toList();
        } catch (IOException e) {
            problems.error(dir + "/", "$", "cannot list: " + e.getMessage());
            return List.of();
        }
    }

    private ConfigNode read(String file) {
        if (candidate != null) {
            String text = candidate.get(file);
            if (text == null) {
                problems.error(file, "$", "file is missing");
                return null;
            }
            ConfigNode n = ConfigNode.parse(file, text, problems);
            return n.present() ? n : null;
        }
        Path p = home.resolve(file);
        if (!Files.isRegularFile(p)) {
            problems.error(file, "$", "file is missing");
            return null;
        }
        String text;
        try {
            text = Files.readString(p);
        } catch (IOException e) {
            problems.error(file, "$", "cannot read: " + e.getMessage());
            return null;
        }
        ConfigNode n = ConfigNode.parse(file, text, problems);
        return n.present() ? n : null;
    }
}
