package org.tidegate.config.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.tidegate.config.GatewayConfig;
import org.tidegate.config.LoadResult;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;
import org.tidegate.core.model.GpioAddress;
import org.tidegate.core.model.Ids;
import org.tidegate.core.model.ModbusAddress;
import org.tidegate.pipeline.rules.Action;
import org.tidegate.pipeline.rules.ChannelRules;
import org.tidegate.pipeline.rules.RuleConfigException;
import org.tidegate.pipeline.rules.RuleParser;

/**
 * Checks a whole home directory in one pass and builds the {@link GatewayConfig} if nothing is wrong.
 * Reads only: nothing is applied here.
 */
public final class HomeChecker {
    public static final String GATEWAY_FILE = "gateway.json";
    static final Set<String> PROTOCOLS = Set.of("modbus", "gpio", "serial", "memory");
    private static final Set<String> GATEWAY_KEYS = Set.of("id", "site", "broker", "security", "store", "telemetry");
    private static final Set<String> PROFILE_KEYS = Set.of("id", "protocol", "description", "vendor", "model",
            "options", "channels");
    private static final Set<String> DEVICE_KEYS = Set.of("id", "profile", "protocol", "description", "enabled",
            "pollIntervalMs", "timeoutMs", "retries", "connection", "options", "channels");
    /** Channel keys with a meaning of their own; any other key is an option for the driver or the rules. */
    private static final Set<String> CHANNEL_KEYS = Set.of("id", "address", "type", "byteOrder", "wordOrder", "length",
            "scale", "offset", "unit", "access", "description");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final Path home;
    private final Problems problems = new Problems();

    private HomeChecker(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    public static LoadResult check(Path home) {
        return new HomeChecker(home).run();
    }

    private LoadResult run() {
        if (!Files.isDirectory(home)) {
            problems.error(home.toString(), "$", "is not a directory (expected a gateway home with gateway.json, profiles/, devices/)");
            return result(null);
        }
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        Node g = readJson(GATEWAY_FILE);
        String id = "";
        String site = "";
        if (g != null && g.isObject(true)) {
            g.rejectUnknown(GATEWAY_KEYS);
            id = g.string("id", true, "");
            if (g.child("id").present() && Ids.problem(id) != null) {
                g.child("id").error("gateway id " + Ids.problem(id));
            }
            site = g.string("site", false, "");
            for (String name : SectionSchema.SECTIONS.keySet()) {
                sections.put(name, section(g, name, id));
            }
            // The sealer decides about deflate: it needs the telemetry section's threshold too.
            sections.get("security").put("deflateMinBytes", sections.get("telemetry").get("deflateMinBytes"));
        }
        Map<String, Profile> profiles = readProfiles();
        List<Device> devices = readDevices(profiles);
        checkRules(devices);
        GatewayConfig config = problems.errorCount() == 0
                ? new GatewayConfig(home, id, site, sections, devices) : null;
        return result(config);
    }

    private LoadResult result(GatewayConfig config) {
        return new LoadResult(config, problems.errors(), problems.warnings());
    }

    // ---- gateway.json sections ----

    private Map<String, Object> section(Node g, String name, String gatewayId) {
        Node s = g.child(name);
        boolean required = name.equals("broker");
        Map<String, Object> out = new LinkedHashMap<>();
        if (!s.isObject(required)) {
            s = new Node(s.file, s.path, MAPPER.createObjectNode(), problems); // defaults only
        }
        s.rejectUnknown(SectionSchema.keys(name));
        for (SectionSchema.Field f : SectionSchema.SECTIONS.get(name)) {
            Node v = s.child(f.key());
            Object value = switch (f.kind()) {
                case STRING -> s.string(f.key(), false, (String) f.fallback());
                case INT -> s.integer(f.key(), f.min(), f.max(), ((Number) f.fallback()).longValue(), false);
                case BOOL -> s.bool(f.key(), (Boolean) f.fallback());
                case CHOICE -> s.choice(f.key(), f.choices(), (String) f.fallback());
                case ID -> {
                    String idValue = s.string(f.key(), false, (String) f.fallback());
                    if (Ids.problem(idValue) != null) {
                        v.error("id " + Ids.problem(idValue));
                    }
                    yield idValue;
                }
                case TOPIC_PREFIX -> {
                    String p = s.string(f.key(), false, (String) f.fallback());
                    if (p.isEmpty() || p.startsWith("/") || p.endsWith("/") || p.contains("+") || p.contains("#")
                            || p.contains("//")) {
                        v.error("\"" + p + "\" is not a valid topic prefix (no wildcards, no leading, trailing or double /)");
                    }
                    yield p;
                }
                case URL -> brokerUrl(s, f.key());
                case PATH, OPTIONAL_PATH -> {
                    String p = s.string(f.key(), false, (String) f.fallback());
                    String abs = SectionSchema.resolve(home, p);
                    if (!abs.isEmpty() && !Files.exists(Path.of(abs))) {
                        if (name.equals("security") && !f.key().equals("replayState")) {
                            v.warn("file " + p + " does not exist yet: run `tidegate provision` before `tidegate run`");
                        } else if (name.equals("broker")) {
                            v.warn("file " + p + " does not exist yet: install it before connecting to " + "the broker");
                        }
                    }
                    yield abs;
                }
            };
            out.put(f.key(), value);
        }
        if (name.equals("broker")) {
            long min = ((Number) out.get("reconnectMinMs")).longValue();
            long max = ((Number) out.get("reconnectMaxMs")).longValue();
            if (max < min) {
                s.child("reconnectMaxMs").error("must not be less than reconnectMinMs (" + min + ")");
            }
            if (!String.valueOf(out.get("password")).isEmpty()) {
                s.child("password").warn("a password in gateway.json is readable by anyone who can read the file; prefer passwordEnv");
            }
            String url = String.valueOf(out.get("url"));
            if (url.startsWith("tcp://")) {
                s.child("url").warn("plain tcp:// sends over an unencrypted link (the envelope still protects the payload); use ssl:// in the field");
            }
        }
        if (name.equals("security")) {
            if (!(Boolean) out.get("encrypt")) {
                s.child("encrypt").warn("encryption is OFF: telemetry bodies travel in clear text");
            }
            if (!(Boolean) out.get("sign")) {
                s.child("sign").warn("signing is OFF: the cloud cannot tell our messages from forgeries");
            }
            if (String.valueOf(out.get("replayState")).isEmpty()) {
                out.put("replayState", SectionSchema.resolve(home, "data/command-replay.state"));
            }
        }
        out.put("gatewayId", gatewayId);
        out.put("home", home.toString());
        return out;
    }

    private String brokerUrl(Node s, String key) {
        String url = s.string(key, true, "");
        if (url.isEmpty()) {
            return url;
        }
        Node v = s.child(key);
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
                v.error("\"" + url + "\" must start with tcp:// or ssl://");
            } else if (u.getHost() == null || u.getPort() < 1) {
                v.error("\"" + url + "\" needs a host and a port, e.g. ssl://mqtt.example.cn:8883");
            }
        } catch (URISyntaxException e) {
            v.error("\"" + url + "\" is not a URL: " + e.getReason());
        }
        return url;
    }

    // ---- profiles ----

    record Profile(String id, String protocol, String file, List<Channel> channels, Map<String, Object> options) {
    }

    private Map<String, Profile> readProfiles() {
        Map<String, Profile> out = new LinkedHashMap<>();
        for (String file : list("profiles")) {
            Node p = readJson(file);
            if (p == null || !p.isObject(true)) {
                continue;
            }
            p.rejectUnknown(PROFILE_KEYS);
            String id = p.string("id", true, "");
            if (p.child("id").present() && Ids.problem(id) != null) {
                p.child("id").error("profile id " + Ids.problem(id));
            }
            String protocol = p.choice("protocol", PROTOCOLS, null);
            if (!p.child("protocol").present()) {
                p.child("protocol").error("is required (one of " + PROTOCOLS + ")");
            }
            Map<String, Object> options = p.child("options").isObject(false) ? toMap(p.child("options").json) : Map.of();
            List<Channel> channels = channels(p.child("channels"), protocol);
            if (out.containsKey(id)) {
                p.child("id").error("profile id \"" + id + "\" is also used by " + out.get(id).file());
            } else if (!id.isEmpty()) {
                out.put(id, new Profile(id, protocol, file, channels, options));
            }
        }
        return out;
    }

    private List<Channel> channels(Node arr, String protocol) {
        List<Channel> out = new ArrayList<>();
        if (!arr.present()) {
            arr.error("is required (a non-empty array of channels)");
            return out;
        }
        if (!arr.json.isArray() || arr.json.isEmpty()) {
            arr.error("must be a non-empty array of channels");
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < arr.json.size(); i++) {
            Node c = arr.element(i);
            if (!c.isObject(true)) {
                continue;
            }
            Channel ch = channel(c, protocol);
            if (ch == null) {
                continue;
            }
            Integer prev = seen.put(ch.id(), i);
            if (prev != null) {
                c.child("id").error("channel id \"" + ch.id() + "\" is already used by channels[" + prev + "]");
            }
            out.add(ch);
        }
        return out;
    }

    private Channel channel(Node c, String protocol) {
        String id = c.string("id", true, "");
        if (c.child("id").present() && Ids.problem(id) != null) {
            c.child("id").error("channel id " + Ids.problem(id));
        }
        String address = c.string("address", true, "");
        DataType type = DataType.BOOL;
        if (c.child("type").present()) {
            type = DataType.parse(c.string("type", true, ""));
            if (type == null) {
                c.child("type").error("\"" + c.child("type").json.asText() + "\" is not a data type (bool, int16, uint16, int32, uint32, int64, float32, float64, string)");
                type = DataType.UINT16;
            }
        } else if (!"gpio".equals(protocol)) {
            c.child("type").error("is required (bool, int16, uint16, int32, uint32, int64, float32, float64, string)");
        }
        Endian byteOrder = endian(c, "byteOrder");
        Endian wordOrder = endian(c, "wordOrder");
        int length = (int) c.integer("length", 1, 125, 0, type == DataType.STRING);
        double scale = c.number("scale", 1.0);
        if (scale == 0.0) {
            c.child("scale").error("must not be 0");
            scale = 1.0;
        }
        double offset = c.number("offset", 0.0);
        String unit = c.string("unit", false, "");
        Map<String, Object> options = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!CHANNEL_KEYS.contains(e.getKey()) && !e.getValue().isNull()) {
                options.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        Access access = null;
        if (c.child("access").present()) {
            access = Access.parse(c.string("access", false, "read"));
            if (access == null) {
                c.child("access").error("must be read, write or readwrite");
            }
        }
        if ("gpio".equals(protocol)) {
            String mode = c.choice("mode", List.of("input", "counter", "output"), "input");
            if (access == null) {
                access = mode.equals("output") ? Access.READ_WRITE : Access.READ;
            }
            if (!c.child("type").present()) {
                type = mode.equals("counter") ? DataType.FLOAT64 : DataType.BOOL;
            }
            if (!address.isEmpty()) {
                try {
                    GpioAddress.parse(address);
                } catch (IllegalArgumentException e) {
                    c.child("address").error(e.getMessage());
                }
            }
            if (mode.equals("counter") ? !type.isNumeric() : type != DataType.BOOL) {
                c.child("type").error("a GPIO " + mode + " channel must be " + (mode.equals("counter") ? "numeric" : "bool"));
            }
            if (!mode.equals("output") && access != null && access.writable()) {
                c.child("access").error("only a GPIO output channel (mode: output) can be written");
            }
        } else if ("modbus".equals(protocol) && !address.isEmpty()) {
            modbusChannel(c, address, type, length, access);
        }
        if (c.child("address").present() && address.isBlank()) {
            c.child("address").error("must not be empty");
        }
        return new Channel(id, address, type, byteOrder, wordOrder, length, scale, offset, unit,
                access == null ? Access.READ : access, options);
    }

    private void modbusChannel(Node c, String address, DataType type, int length, Access access) {
        Node a = c.child("address");
        ModbusAddress addr;
        try {
            addr = ModbusAddress.parse(address);
        } catch (IllegalArgumentException e) {
            a.error(e.getMessage());
            return;
        }
        if (!addr.table().isRegister() && type != DataType.BOOL) {
            c.child("type").error(addr.table().prefix() + " addresses hold single bits: type must be bool");
        }
        if (addr.table().isRegister() && addr.bit() >= 0 && type != DataType.BOOL) {
            c.child("type").error("a bit address (" + address + ") must have type bool");
        }
        if (addr.table().isRegister() && addr.bit() < 0 && type == DataType.BOOL) {
            c.child("type").error("type bool on a register needs a bit index, e.g. " + addr.table().prefix() + ":" + addr.offset() + ".0");
        }
        int regs = type == DataType.STRING ? length : Math.max(1, type.registers());
        if (addr.table().isRegister() && addr.offset() + regs > 65536) {
            a.error("value of " + regs + " registers starting at " + addr.offset() + " runs past register 65535");
        }
        if (access != null && access.writable()
                && (addr.table() == ModbusAddress.Table.INPUT_REGISTER || addr.table() == ModbusAddress.Table.DISCRETE_INPUT)) {
            c.child("access").error(addr.table().prefix() + " addresses are read-only in Modbus; use hr or coil to write");
        }
    }

    private Endian endian(Node c, String key) {
        String v = c.string(key, false, "big");
        Endian e = Endian.parse(v);
        if (e == null) {
            c.child(key).error("\"" + v + "\" must be big or little");
            return Endian.BIG;
        }
        return e;
    }

    // ---- devices ----

    private List<Device> readDevices(Map<String, Profile> profiles) {
        List<Device> out = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        List<String> files = list("devices");
        if (files.isEmpty()) {
            problems.warn("devices/", "$", "no device files: the gateway will run but poll nothing");
        }
        for (String file : files) {
            Node d = readJson(file);
            if (d == null || !d.isObject(true)) {
                continue;
            }
            d.rejectUnknown(DEVICE_KEYS);
            String id = d.string("id", true, "");
            if (d.child("id").present() && Ids.problem(id) != null) {
                d.child("id").error("device id " + Ids.problem(id));
            }
            String stem = Path.of(file).getFileName().toString().replaceFirst("\\.json$", "");
            if (!id.isEmpty() && !stem.equals(id)) {
                d.child("id").warn("device id \"" + id + "\" differs from its file name; name the file " + id + ".json");
            }
            if (ids.containsKey(id) && !id.isEmpty()) {
                d.child("id").error("device id \"" + id + "\" is also used by " + ids.get(id));
            }
            ids.put(id, file);
            // Channels come from a profile, or (for a one-off device) inline: "protocol" + a "channels" array.
            boolean inline = d.child("channels").present() && d.child("channels").json.isArray();
            String profileId = d.string("profile", !inline, "");
            Profile profile = profiles.get(profileId);
            if (!profileId.isEmpty() && profile == null) {
                d.child("profile").error("no profile \"" + profileId + "\" in profiles/ (known: " + profiles.keySet() + ")");
            }
            if (inline) {
                if (!profileId.isEmpty()) {
                    d.child("channels").error("an inline channel array cannot be combined with a profile; "
                            + "to adjust profile channels use an object keyed by channel id");
                }
                String protocol = d.choice("protocol", PROTOCOLS, null);
                if (!d.child("protocol").present()) {
                    d.child("protocol").error("is required when channels are given inline (one of " + PROTOCOLS + ")");
                }
                Map<String, Object> options = d.child("options").isObject(false) ? toMap(d.child("options").json) : Map.of();
                profile = new Profile("", protocol, file, channels(d.child("channels"), protocol), options);
            } else if (d.child("protocol").present() && profile != null
                    && !profile.protocol().equals(d.string("protocol", false, ""))) {
                d.child("protocol").error("profile " + profileId + " is " + profile.protocol() + "; leave protocol out or match it");
            }
            boolean enabled = d.bool("enabled", true);
            long interval = d.integer("pollIntervalMs", 50, 86_400_000, 1000, false);
            long timeout = d.integer("timeoutMs", 10, 60_000, 1000, false);
            long retries = d.integer("retries", 0, 10, 1, false);
            Map<String, Object> connection = Map.of();
            Node conn = d.child("connection");
            if (conn.isObject(profile == null || !"memory".equals(profile.protocol()))) {
                connection = connection(conn, profile == null ? null : profile.protocol());
            }
            if (timeout * (retries + 1) > interval) {
                d.child("timeoutMs").warn("timeoutMs × (retries + 1) = " + timeout * (retries + 1)
                        + " ms exceeds pollIntervalMs " + interval + ": a dead device will skip poll ticks");
            }
            if (profile == null || profile.protocol() == null) {
                continue;
            }
            List<Channel> channels = inline ? profile.channels() : applyOverrides(d.child("channels"), profile.channels());
            if (enabled) {
                out.add(new Device(id, profile.id(), profile.protocol(), connection, Duration.ofMillis(interval),
                        Duration.ofMillis(timeout), (int) retries, channels, profile.options()));
            }
        }
        return out;
    }

    private Map<String, Object> connection(Node conn, String protocol) {
        Map<String, Object> m = new LinkedHashMap<>(toMap(conn.json));
        if ("modbus".equals(protocol)) {
            String transport = conn.choice("transport", List.of("tcp", "rtu"), "tcp");
            if (!conn.child("transport").present()) {
                conn.child("transport").error("is required for Modbus (tcp or rtu)");
            }
            if (transport.equals("tcp")) {
                conn.rejectUnknown(Set.of("transport", "host", "port", "unit"));
                conn.string("host", true, "");
                m.put("port", conn.integer("port", 1, 65535, 502, false));
                m.put("unit", conn.integer("unit", 0, 255, 1, false));
            } else {
                conn.rejectUnknown(Set.of("transport", "port", "baud", "parity", "dataBits", "stopBits", "unit",
                        "interFrameDelayMs"));
                conn.string("port", true, "");
                long baud = conn.integer("baud", 300, 921_600, 9600, false);
                if (!Set.of(300L, 600L, 1200L, 2400L, 4800L, 9600L, 14400L, 19200L, 38400L, 57600L, 115200L,
                        230400L, 460800L, 921600L).contains(baud)) {
                    conn.child("baud").error(baud + " is not a standard baud rate");
                }
                m.put("baud", baud);
                m.put("parity", conn.choice("parity", List.of("none", "even", "odd"), "none"));
                m.put("dataBits", conn.integer("dataBits", 7, 8, 8, false));
                m.put("stopBits", conn.integer("stopBits", 1, 2, 1, false));
                m.put("unit", conn.integer("unit", 1, 247, 1, false));
                if (conn.child("interFrameDelayMs").present()) {
                    conn.integer("interFrameDelayMs", 0, 1000, 0, false);
                }
            }
        } else if ("gpio".equals(protocol)) {
            conn.rejectUnknown(Set.of("transport", "provider", "chip"));
            m.put("provider", conn.choice("provider", List.of("auto", "mock", "real"), "auto"));
        }
        return m;
    }

    /** A device file may override per-channel settings of its profile: {"channels": {"level": {"rules": {...}}}}. */
    private List<Channel> applyOverrides(Node overrides, List<Channel> channels) {
        if (!overrides.isObject(false)) {
            return channels;
        }
        Map<String, Channel> byId = new LinkedHashMap<>();
        channels.forEach(c -> byId.put(c.id(), c));
        for (Iterator<String> it = overrides.json.fieldNames(); it.hasNext(); ) {
            String chId = it.next();
            Node o = overrides.child(chId);
            Channel c = byId.get(chId);
            if (c == null) {
                o.error("the profile has no channel \"" + chId + "\" (channels: " + byId.keySet() + ")");
                continue;
            }
            if (!o.isObject(true)) {
                continue;
            }
            o.rejectUnknown(Set.of("scale", "offset", "unit", "rules", "description", "debounceMs", "activeLow",
                    "mmPerTip", "initial"));
            Map<String, Object> options = new LinkedHashMap<>(c.options());
            for (Iterator<Map.Entry<String, JsonNode>> f = o.json.fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> e = f.next();
                if (!Set.of("scale", "offset", "unit", "description").contains(e.getKey())) {
                    options.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
                }
            }
            byId.put(chId, new Channel(c.id(), c.address(), c.type(), c.byteOrder(), c.wordOrder(), c.length(),
                    o.number("scale", c.scale()), o.number("offset", c.offset()), o.string("unit", false, c.unit()),
                    c.access(), options));
        }
        return List.copyOf(byId.values());
    }

    // ---- edge rules (parsed by the pipeline's parser) ----

    private void checkRules(List<Device> devices) {
        Map<String, Device> byId = new HashMap<>();
        devices.forEach(d -> byId.put(d.id(), d));
        for (Device d : devices) {
            String file = "devices/" + d.id() + ".json";
            Map<String, ChannelRules> rules;
            try {
                rules = RuleParser.parse(d);
            } catch (RuleConfigException e) {
                String prefix = "device " + d.id() + " channel ";
                for (String problem : e.problems()) {
                    // "device D channel C: rules.x[0].y what" -> path $.channels.C.rules.x[0].y, message what
                    String rest = problem.startsWith(prefix) ? problem.substring(prefix.length()) : problem;
                    int colon = rest.indexOf(": ");
                    String channel = colon < 0 ? "" : rest.substring(0, colon);
                    String detail = colon < 0 ? rest : rest.substring(colon + 2);
                    int space = detail.indexOf(' ');
                    String key = space < 0 || !detail.startsWith("rules") ? "rules" : detail.substring(0, space);
                    String what = space < 0 || !detail.startsWith("rules") ? detail : detail.substring(space + 1);
                    problems.error(file, "$.channels." + channel + "." + key, what);
                }
                continue;
            }
            rules.forEach((channel, r) -> {
                List<Action> actions = new ArrayList<>();
                r.thresholds().forEach(t -> actions.addAll(t.actions()));
                r.rates().forEach(t -> actions.addAll(t.actions()));
                for (Action a : actions) {
                    Device target = byId.get(a.device());
                    String where = "$.channels." + channel + ".rules";
                    if (target == null) {
                        problems.error(file, where, "action targets device \"" + a.device() + "\", which is not configured (or disabled)");
                    } else if (target.channel(a.channel()).isEmpty()) {
                        problems.error(file, where, "action targets " + a.device() + "/" + a.channel() + ", which has no such channel");
                    } else if (!target.channel(a.channel()).get().access().writable()) {
                        problems.error(file, where, "action targets " + a.device() + "/" + a.channel() + ", which is read-only");
                    }
                }
            });
        }
    }

    // ---- files ----

    private List<String> list(String dir) {
        Path d = home.resolve(dir);
        if (!Files.isDirectory(d)) {
            problems.warn(dir + "/", "$", "directory is missing");
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .map(p -> dir + "/" + p.getFileName())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            problems.error(dir + "/", "$", "cannot list: " + e.getMessage());
            return List.of();
        }
    }

    private Node readJson(String file) {
        Path p = home.resolve(file);
        if (!Files.isRegularFile(p)) {
            problems.error(file, "$", "file is missing");
            return null;
        }
        try {
            return new Node(file, "$", MAPPER.readTree(p.toFile()), problems);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            problems.error(file, "$", "not valid JSON: " + where + e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            problems.error(file, "$", "cannot read: " + e.getMessage());
            return null;
        }
    }

    private static Map<String, Object> toMap(JsonNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    m.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
                }
            });
        }
        return m;
    }
}
