package org.tidegate.pipeline.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;

/**
 * The schema of a channel's {@code rules} object (the {@code "rules"} key of the channel object in a profile or
 * of the channel override in a device file): reads it from a {@link ConfigNode} into {@link ChannelRules}.
 * Strict: wrong types and out-of-range values are problems recorded on the offending node; every key the
 * parser does not ask for (a typo such as {@code maxSilentMS}) is reported by
 * {@link ConfigNode#reportUnknownKeys()} with a hint ({@code did you mean "maxSilentMs"?}), at every depth.
 *
 * <p>Two entry points, one schema:
 * <ul>
 *   <li><b>validation</b> ({@link #read(Device, ConfigNode)}, {@link #read(String, ConfigNode)}): on the nodes
 *       of the home document, so that problems carry the file and JSON path the user must edit; unknown keys
 *       are left to the caller's {@code reportUnknownKeys()} on the whole document ({@link RulesCheck});</li>
 *   <li><b>runtime</b> ({@link #parse(Device)}, {@link #parse(String, String, String)}): on the
 *       {@link Channel#rules()} text a device arrives with; throws {@link RuleConfigException} with every
 *       problem, unknown keys included, one line each:
 *       {@code device wl-001 channel level: rules.thresholds[1].above must be a number (got "high")}.</li>
 * </ul>
 */
public final class RuleParser {
    public static final long DEFAULT_MAX_SILENT_MS = 600_000;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String ID_RULE = "1-64 characters of [A-Za-z0-9._-]";
    private static final List<String> SEVERITIES = List.of("info", "warning", "major", "critical");
    private static final List<String> COUNTERS = List.of("cumulative", "interval");

    private RuleParser() {
    }

    // ---- runtime: rules text as the device arrived with it ----

    /**
     * Parses the rules of every channel of a device from {@link Channel#rules()}. Channels without rules get
     * {@link ChannelRules#none}.
     *
     * @return channel id to rules, in channel order
     * @throws RuleConfigException listing every problem found (event names must also be unique per device)
     */
    public static Map<String, ChannelRules> parse(Device device) {
        List<ConfigProblems> all = new ArrayList<>();
        Map<String, ConfigNode> nodes = new LinkedHashMap<>();
        for (Channel c : device.channels()) {
            ConfigProblems p = new ConfigProblems();
            all.add(p);
            nodes.put(c.id(), node(device.id(), c.id(), c.rules(), p));
        }
        Map<String, ChannelRules> out = readChannels(nodes, null, channelIds(device), stringChannels(device));
        nodes.values().forEach(ConfigNode::reportUnknownKeys);
        List<String> lines = new ArrayList<>();
        all.forEach(p -> lines.addAll(lines(p)));
        if (!lines.isEmpty()) {
            throw new RuleConfigException(lines);
        }
        return out;
    }

    /**
     * Parses one channel's rules from their JSON text ("" or null = no rules); event names must be unique
     * within the channel.
     *
     * @throws RuleConfigException listing every problem found
     */
    public static ChannelRules parse(String deviceId, String channelId, String rulesJson) {
        ConfigProblems p = new ConfigProblems();
        ConfigNode node = node(deviceId, channelId, rulesJson, p);
        ChannelRules r = readChannels(Map.of(channelId, node), null, Set.of(channelId), Set.of()).get(channelId);
        node.reportUnknownKeys();
        List<String> lines = lines(p);
        if (!lines.isEmpty()) {
            throw new RuleConfigException(lines);
        }
        return r;
    }

    /** The node of a channel's rules text: file {@code device D channel C}, path {@code rules}. */
    private static ConfigNode node(String deviceId, String channelId, String text, ConfigProblems p) {
        String file = "device " + deviceId + " channel " + channelId;
        JsonNode json = null;
        if (text != null && !text.isBlank()) {
            try {
                json = ConfigNode.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                p.error(file, "rules", "is not valid JSON: " + ConfigNode.where(e) + ConfigNode.syntaxError(e));
            }
        }
        return ConfigNode.at(file, "rules", json, p);
    }

    /** {@code FILE: PATH MESSAGE}, i.e. {@code device D channel C: rules.x[0].y what}. */
    private static List<String> lines(ConfigProblems p) {
        List<String> out = new ArrayList<>();
        for (ConfigProblem e : p.errors()) {
            out.add(e.file() + ": " + e.path() + " " + e.message());
        }
        return out;
    }

    // ---- validation: the nodes of the home document ----

    /**
     * Reads the rules of every channel of a decoded device from its document ({@code node.child("channels")
     * .element(i).child("rules")}); problems, duplicate event names included, are recorded on the nodes.
     * Unknown keys are not reported here: the caller reports them on the whole document.
     *
     * @return channel id to rules (placeholders where problems were recorded)
     */
    public static Map<String, ChannelRules> read(Device device, ConfigNode deviceNode) {
        return read(device, deviceNode, null);
    }

    /** As {@link #read(Device, ConfigNode)}, telling {@code onAction} each action and the node it came from. */
    static Map<String, ChannelRules> read(Device device, ConfigNode deviceNode, BiConsumer<Action, ConfigNode> onAction) {
        Map<String, ConfigNode> nodes = new LinkedHashMap<>();
        ConfigNode channels = deviceNode.child("channels");
        if (channels.present() && channels.json().isArray()) {
            for (int i = 0; i < channels.size(); i++) {
                ConfigNode c = channels.element(i);
                JsonNode id = c.present() && c.json().isObject() ? c.json().get("id") : null;
                if (id != null && id.isTextual() && device.channel(id.asText()).isPresent()
                        && !nodes.containsKey(id.asText())) {
                    nodes.put(id.asText(), c.child("rules"));
                }
            }
        }
        return readChannels(nodes, onAction, channelIds(device), stringChannels(device));
    }

    /** The device's string channels: their values are text, so no numeric rule can apply to them. */
    private static Set<String> stringChannels(Device device) {
        Set<String> ids = new HashSet<>();
        device.channels().stream().filter(c -> c.type() == org.tidegate.core.model.DataType.STRING)
                .forEach(c -> ids.add(c.id()));
        return ids;
    }

    private static Set<String> channelIds(Device device) {
        Set<String> ids = new HashSet<>();
        device.channels().forEach(c -> ids.add(c.id()));
        return ids;
    }

    /**
     * Reads one channel's {@code rules} node (absent = no rules); problems are recorded on the node, unknown
     * keys are left to {@link ConfigNode#reportUnknownKeys()}.
     *
     * @return the rules; placeholders where problems were recorded
     */
    public static ChannelRules read(String channelId, ConfigNode rules) {
        return channel(channelId, rules, null);
    }

    /**
     * The channels' rules, in order, with event names checked for uniqueness across the channels, and the channels
     * {@code accumulate} derives ({@code <ch>_1h}, {@code <ch>_day}) for clashes with the device's channel ids.
     */
    private static Map<String, ChannelRules> readChannels(Map<String, ConfigNode> nodes,
                                                          BiConsumer<Action, ConfigNode> onAction,
                                                          Set<String> channelIds, Set<String> stringChannels) {
        Map<String, ChannelRules> out = new LinkedHashMap<>();
        Map<String, String> events = new HashMap<>();
        for (Map.Entry<String, ConfigNode> e : nodes.entrySet()) {
            String channel = e.getKey();
            ChannelRules r = channel(channel, e.getValue(), onAction);
            if (stringChannels.contains(channel)) {
                numericOnString(e.getValue(), r);
            }
            AccumulateRule a = r.accumulate();
            if (a != null) {
                // Telemetry carries a derived total under its own channel id: one that is also a real channel would
                // put two different series under one id, and the cloud could not tell them apart.
                for (String[] derived : new String[][] {{a.hourly() ? channel + "_1h" : null, "hourly"},
                        {a.daily() ? channel + "_day" : null, "daily"}}) {
                    if (derived[0] != null && channelIds.contains(derived[0])) {
                        e.getValue().child("accumulate").error("the " + derived[1] + " total would be reported as"
                                + " channel \"" + derived[0] + "\", which is a channel of this device: rename that"
                                + " channel, or set \"" + derived[1] + "\": false");
                    }
                }
            }
            for (String name : eventNames(r)) {
                String first = events.putIfAbsent(name, channel);
                if (first != null) {
                    e.getValue().error("event \"" + name + "\" is used twice in this device (event names must be"
                            + " unique per device; first used " + (first.equals(channel) ? "in this channel"
                            : "by channel " + first) + ")");
                }
            }
            out.put(channel, r);
        }
        return out;
    }

    /** A text value is never above, below or within a deadband of anything: such rules would never fire. */
    private static void numericOnString(ConfigNode rules, ChannelRules r) {
        String why = "does not apply to a string channel (its values are text, not numbers)";
        if (r.deadband() != null) {
            rules.child("deadband").error(why);
        }
        for (int i = 0; i < r.thresholds().size(); i++) {
            ThresholdRule t = r.thresholds().get(i);
            if (t.kind() != ThresholdRule.Kind.STATE) {
                rules.child("thresholds").element(i).child(t.kind() == ThresholdRule.Kind.ABOVE ? "above" : "below")
                        .error(why);
            }
        }
        if (!r.rates().isEmpty()) {
            rules.child("rateOfChange").error(why);
        }
        if (r.accumulate() != null) {
            rules.child("accumulate").error(why);
        }
    }

    private static List<String> eventNames(ChannelRules r) {
        List<String> names = new ArrayList<>();
        r.thresholds().forEach(t -> names.add(t.event()));
        r.rates().forEach(t -> names.add(t.event()));
        names.removeIf("?"::equals);   // a missing or invalid name, already reported
        return names;
    }

    // ---- the schema ----

    private static ChannelRules channel(String channelId, ConfigNode m, BiConsumer<Action, ConfigNode> onAction) {
        if (!m.present()) {
            return ChannelRules.none(channelId);
        }
        if (!m.json().isObject()) {
            m.error("must be an object");
            return ChannelRules.none(channelId);
        }
        Double deadband = number(m, "deadband", false);
        if (deadband != null && deadband < 0) {
            m.child("deadband").error("must be >= 0");
        }
        long maxSilent = deadband == null ? 0 : DEFAULT_MAX_SILENT_MS;
        Double silent = number(m, "maxSilentMs", false);
        if (silent != null) {
            if (silent < 0) {
                m.child("maxSilentMs").error("must be >= 0 (0 = no heartbeat)");
            }
            maxSilent = silent.longValue();
        }
        List<ThresholdRule> thresholds = new ArrayList<>();
        for (ConfigNode t : objects(m.child("thresholds"))) {
            thresholds.add(threshold(t, onAction));
        }
        List<RateOfChangeRule> rates = new ArrayList<>();
        for (ConfigNode t : objects(m.child("rateOfChange"))) {
            rates.add(rate(t, onAction));
        }
        AccumulateRule acc = accumulate(m.child("accumulate"));
        return new ChannelRules(channelId, deadband, maxSilent, thresholds, rates, acc);
    }

    private static ThresholdRule threshold(ConfigNode t, BiConsumer<Action, ConfigNode> onAction) {
        String event = event(t);
        boolean above = t.child("above").present();
        boolean below = t.child("below").present();
        boolean state = t.child("whenTrue").present();
        if ((above ? 1 : 0) + (below ? 1 : 0) + (state ? 1 : 0) != 1) {
            t.error("needs exactly one of \"above\", \"below\" or \"whenTrue\"");
        }
        Severity severity = severity(t);
        List<Action> actions = actions(t.child("actions"), onAction);
        Double h = number(t, "hysteresis", false);
        if (h != null && h < 0) {
            t.child("hysteresis").error("must be >= 0");
        }
        double hysteresis = h == null ? 0 : h;
        if (state) {
            JsonNode b = t.child("whenTrue").json();
            if (!b.isBoolean()) {
                t.child("whenTrue").error("must be true or false");
                return new ThresholdRule(event, ThresholdRule.Kind.STATE, 0, 0, true, severity, actions);
            }
            if (t.child("hysteresis").present()) {
                t.child("hysteresis").error("does not apply to a whenTrue (boolean) alarm");
            }
            return new ThresholdRule(event, ThresholdRule.Kind.STATE, 0, 0, b.asBoolean(), severity, actions);
        }
        String key = above || !below ? "above" : "below";
        Double limit = above || below ? number(t, key, true) : null;
        return new ThresholdRule(event, key.equals("above") ? ThresholdRule.Kind.ABOVE : ThresholdRule.Kind.BELOW,
                limit == null ? 0 : limit, hysteresis, false, severity, actions);
    }

    private static RateOfChangeRule rate(ConfigNode t, BiConsumer<Action, ConfigNode> onAction) {
        String event = event(t);
        boolean rising = t.child("rise").present();
        boolean falling = t.child("fall").present();
        if (rising == falling) {
            t.error("needs exactly one of \"rise\" or \"fall\"");
        }
        String key = rising ? "rise" : "fall";
        Double amount = rising || falling ? number(t, key, true) : null;
        if (amount != null && amount <= 0) {
            t.child(key).error("must be > 0");
        }
        double a = amount == null || amount <= 0 ? 1 : amount;
        Double window = number(t, "windowMs", true);
        if (window != null && window <= 0) {
            t.child("windowMs").error("must be > 0");
        }
        double hysteresis = a / 10;
        Double h = number(t, "hysteresis", false);
        if (h != null) {
            if (h < 0 || h >= a) {
                t.child("hysteresis").error("must be >= 0 and smaller than \"" + key + "\"");
            }
            hysteresis = h;
        }
        Severity severity = severity(t);
        List<Action> actions = actions(t.child("actions"), onAction);
        return new RateOfChangeRule(event, rising, a, window == null ? 1 : window.longValue(), hysteresis,
                severity, actions);
    }

    private static AccumulateRule accumulate(ConfigNode m) {
        if (!m.present()) {
            return null;
        }
        if (!m.json().isObject()) {
            m.error("must be an object");
            return null;
        }
        boolean hourly = bool(m, "hourly", true);
        boolean daily = bool(m, "daily", true);
        if (!hourly && !daily) {
            m.error("has neither \"hourly\" nor \"daily\" enabled");
        }
        boolean cumulative = true;
        ConfigNode counter = m.child("counter");
        if (counter.present()) {
            String c = counter.json().isTextual() ? counter.json().asText() : null;
            if ("cumulative".equals(c)) {
                cumulative = true;
            } else if ("interval".equals(c)) {
                cumulative = false;
            } else {
                counter.error("must be \"cumulative\" or \"interval\"" + hint(c, COUNTERS));
            }
        }
        ZoneOffset zone = AccumulateRule.DEFAULT_ZONE;
        ConfigNode z = m.child("zone");
        if (z.present()) {
            try {
                if (!z.json().isTextual()) {
                    throw new DateTimeException("not a string");
                }
                zone = ZoneOffset.of(z.json().asText());
            } catch (DateTimeException e) {
                z.error("must be a UTC offset such as \"+08:00\" (got " + describe(z.json()) + ")");
            }
        }
        int dayStart = 0;
        Double d = number(m, "dayStartHour", false);
        if (d != null) {
            if (d < 0 || d > 23 || d != Math.floor(d)) {
                m.child("dayStartHour").error("must be a whole hour 0 ... 23");
            } else {
                dayStart = d.intValue();
            }
        }
        return new AccumulateRule(hourly, daily, cumulative, zone, dayStart);
    }

    private static List<Action> actions(ConfigNode list, BiConsumer<Action, ConfigNode> onAction) {
        List<Action> out = new ArrayList<>();
        for (ConfigNode a : objects(list)) {
            String device = id(a, "device");
            String channel = id(a, "channel");
            ConfigNode v = a.child("value");
            Object value = scalar(v);
            if (value == null) {
                v.error(v.present() ? "must be a boolean, number or string (got " + describe(v.json()) + ")"
                        : "is required: a boolean, number or string");
                value = Boolean.TRUE;
            }
            ConfigNode c = a.child("clearValue");
            Object clear = null;
            if (c.present()) {
                clear = scalar(c);
                if (clear == null) {
                    c.error("must be a boolean, number or string (got " + describe(c.json()) + ")");
                }
            } else if (value instanceof Boolean b) {
                clear = !b;
            }
            Action action = new Action(device == null ? "?" : device, channel == null ? "?" : channel, value, clear);
            out.add(action);
            if (onAction != null) {
                onAction.accept(action, a);
            }
        }
        return out;
    }

    // ---- typed values, with this schema's messages ----

    private static String event(ConfigNode t) {
        String e = id(t, "event");
        return e == null ? "?" : e;
    }

    private static String id(ConfigNode parent, String key) {
        ConfigNode n = parent.child(key);
        if (!n.present()) {
            n.error("is required: " + ID_RULE);
            return null;
        }
        if (!n.json().isTextual() || !ID.matcher(n.json().asText()).matches()) {
            n.error("must be " + ID_RULE + " (got " + describe(n.json()) + ")");
            return null;
        }
        return n.json().asText();
    }

    private static Severity severity(ConfigNode t) {
        ConfigNode n = t.child("severity");
        if (!n.present()) {
            return Severity.WARNING;
        }
        String s = n.json().isTextual() ? n.json().asText() : n.json().toString();
        if (SEVERITIES.contains(s.toLowerCase(Locale.ROOT))) {
            return Severity.parse(s);
        }
        n.error("must be one of " + String.join(", ", SEVERITIES) + " (got " + describe(n.json()) + ")"
                + hint(s, SEVERITIES));
        return Severity.WARNING;
    }

    private static boolean bool(ConfigNode m, String key, boolean fallback) {
        ConfigNode n = m.child(key);
        if (!n.present()) {
            return fallback;
        }
        if (n.json().isBoolean()) {
            return n.json().asBoolean();
        }
        n.error("must be true or false (got " + describe(n.json()) + ")" + ConfigNode.booleanHint(n.json()));
        return fallback;
    }

    /** A finite number, or null (absent: a problem when required; anything else: a problem). */
    private static Double number(ConfigNode m, String key, boolean required) {
        ConfigNode n = m.child(key);
        if (!n.present()) {
            if (required) {
                n.error("is required: a number");
            }
            return null;
        }
        if (n.json().isNumber() && Double.isFinite(n.json().asDouble())) {
            return n.json().asDouble();
        }
        n.error("must be a number (got " + describe(n.json()) + ")" + ConfigNode.numberInQuotesHint(n.json(), false));
        return null;
    }

    /** A boolean, number or string as the engine takes it (Boolean, Integer/Long/Double, String), else null. */
    private static Object scalar(ConfigNode n) {
        if (!n.present() || !(n.json().isBoolean() || n.json().isNumber() || n.json().isTextual())) {
            return null;
        }
        return ConfigNode.mapper().convertValue(n.json(), Object.class);
    }

    /** The elements of a list of objects (absent = none); a non-list and non-object elements are problems. */
    private static List<ConfigNode> objects(ConfigNode list) {
        if (!list.present()) {
            return List.of();
        }
        if (!list.json().isArray()) {
            list.error("must be a list of objects");
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigNode e = list.element(i);
            if (e.present() && e.json().isObject()) {
                out.add(e);
            } else {
                e.error("must be an object");
            }
        }
        return out;
    }

    private static String hint(String got, List<String> allowed) {
        String h = got == null ? null : ConfigNode.closest(got, allowed);
        return h == null ? "" : " (did you mean \"" + h + "\"?)";
    }

    private static String describe(JsonNode v) {
        return v == null ? "null" : v.toString();
    }
}
