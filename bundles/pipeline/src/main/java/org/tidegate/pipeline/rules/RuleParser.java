package org.tidegate.pipeline.rules;

import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.Device;

/**
 * Reads and validates the {@code rules} option of channels ({@code Channel.options().get("rules")}, the
 * {@code "rules"} key of the channel object in a profile or device file). Strict: unknown keys, wrong types
 * and out-of-range values are errors, each naming device, channel and key, so that a typo such as
 * {@code maxSilentMS} is not silently ignored.
 */
public final class RuleParser {
    public static final String RULES_OPTION = "rules";
    public static final long DEFAULT_MAX_SILENT_MS = 600_000;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> RULE_KEYS = Set.of("deadband", "maxSilentMs", "thresholds", "rateOfChange",
            "accumulate");
    private static final Set<String> THRESHOLD_KEYS = Set.of("event", "above", "below", "whenTrue", "hysteresis",
            "severity", "actions");
    private static final Set<String> RATE_KEYS = Set.of("event", "rise", "fall", "windowMs", "hysteresis",
            "severity", "actions");
    private static final Set<String> ACCUMULATE_KEYS = Set.of("hourly", "daily", "counter", "zone", "dayStartHour");
    private static final Set<String> ACTION_KEYS = Set.of("device", "channel", "value", "clearValue");

    private RuleParser() {
    }

    /**
     * Parses the rules of every channel of a device. Channels without rules get {@link ChannelRules#none}.
     *
     * @return channel id to rules, in channel order
     * @throws RuleConfigException listing every problem found (event names must also be unique per device)
     */
    public static Map<String, ChannelRules> parse(Device device) {
        List<String> problems = new ArrayList<>();
        Map<String, ChannelRules> out = new LinkedHashMap<>();
        Set<String> events = new HashSet<>();
        for (Channel c : device.channels()) {
            Problems p = new Problems("device " + device.id() + " channel " + c.id() + ": ");
            ChannelRules r = parseChannel(c.id(), c.option(RULES_OPTION), p);
            problems.addAll(p.list);
            if (r != null) {
                for (String e : eventNames(r)) {
                    if (!events.add(e)) {
                        problems.add("device " + device.id() + " channel " + c.id() + ": rules event \"" + e
                                + "\" is used twice in this device (event names must be unique per device)");
                    }
                }
                out.put(c.id(), r);
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleConfigException(problems);
        }
        return out;
    }

    /** Parses one channel's rules object (null or absent = no rules). */
    public static ChannelRules parse(String deviceId, String channelId, Object rules) {
        Problems p = new Problems("device " + deviceId + " channel " + channelId + ": ");
        ChannelRules r = parseChannel(channelId, rules, p);
        if (!p.list.isEmpty()) {
            throw new RuleConfigException(p.list);
        }
        return r;
    }

    private static List<String> eventNames(ChannelRules r) {
        List<String> names = new ArrayList<>();
        r.thresholds().forEach(t -> names.add(t.event()));
        r.rates().forEach(t -> names.add(t.event()));
        return names;
    }

    private static ChannelRules parseChannel(String channelId, Object raw, Problems p) {
        if (raw == null) {
            return ChannelRules.none(channelId);
        }
        if (!(raw instanceof Map<?, ?> m)) {
            p.add("rules", "must be an object");
            return null;
        }
        unknownKeys(m, RULE_KEYS, "rules", p);
        Double deadband = null;
        if (m.containsKey("deadband")) {
            deadband = number(m.get("deadband"), "rules.deadband", p);
            if (deadband != null && deadband < 0) {
                p.add("rules.deadband", "must be >= 0");
            }
        }
        long maxSilent = deadband == null ? 0 : DEFAULT_MAX_SILENT_MS;
        if (m.containsKey("maxSilentMs")) {
            Double v = number(m.get("maxSilentMs"), "rules.maxSilentMs", p);
            if (v != null) {
                if (v < 0) {
                    p.add("rules.maxSilentMs", "must be >= 0 (0 = no heartbeat)");
                }
                maxSilent = v.longValue();
            }
        }
        List<ThresholdRule> thresholds = new ArrayList<>();
        for (Map<?, ?> t : objects(m.get("thresholds"), "rules.thresholds", p)) {
            String at = "rules.thresholds[" + thresholds.size() + "]";
            thresholds.add(threshold(t, at, p));
        }
        List<RateOfChangeRule> rates = new ArrayList<>();
        for (Map<?, ?> t : objects(m.get("rateOfChange"), "rules.rateOfChange", p)) {
            String at = "rules.rateOfChange[" + rates.size() + "]";
            rates.add(rate(t, at, p));
        }
        AccumulateRule acc = null;
        if (m.containsKey("accumulate")) {
            acc = accumulate(m.get("accumulate"), p);
        }
        return new ChannelRules(channelId, deadband, maxSilent, thresholds, rates, acc);
    }

    private static ThresholdRule threshold(Map<?, ?> t, String at, Problems p) {
        unknownKeys(t, THRESHOLD_KEYS, at, p);
        String event = event(t, at, p);
        int forms = (t.containsKey("above") ? 1 : 0) + (t.containsKey("below") ? 1 : 0)
                + (t.containsKey("whenTrue") ? 1 : 0);
        if (forms != 1) {
            p.add(at, "needs exactly one of \"above\", \"below\" or \"whenTrue\"");
        }
        Severity severity = severity(t, at, p);
        List<Action> actions = actions(t.get("actions"), at + ".actions", p);
        double hysteresis = 0;
        if (t.containsKey("hysteresis")) {
            Double h = number(t.get("hysteresis"), at + ".hysteresis", p);
            if (h != null && h < 0) {
                p.add(at + ".hysteresis", "must be >= 0");
            }
            hysteresis = h == null ? 0 : h;
        }
        if (t.containsKey("whenTrue")) {
            if (!(t.get("whenTrue") instanceof Boolean b)) {
                p.add(at + ".whenTrue", "must be true or false");
                return new ThresholdRule(event, ThresholdRule.Kind.STATE, 0, 0, true, severity, actions);
            }
            if (t.containsKey("hysteresis")) {
                p.add(at + ".hysteresis", "does not apply to a whenTrue (boolean) alarm");
            }
            return new ThresholdRule(event, ThresholdRule.Kind.STATE, 0, 0, b, severity, actions);
        }
        boolean above = t.containsKey("above");
        String key = above ? "above" : "below";
        Double limit = number(t.get(key), at + "." + key, p);
        return new ThresholdRule(event, above ? ThresholdRule.Kind.ABOVE : ThresholdRule.Kind.BELOW,
                limit == null ? 0 : limit, hysteresis, false, severity, actions);
    }

    private static RateOfChangeRule rate(Map<?, ?> t, String at, Problems p) {
        unknownKeys(t, RATE_KEYS, at, p);
        String event = event(t, at, p);
        boolean rising = t.containsKey("rise");
        if (rising == t.containsKey("fall")) {
            p.add(at, "needs exactly one of \"rise\" or \"fall\"");
        }
        String key = rising ? "rise" : "fall";
        Double amount = number(t.get(key), at + "." + key, p);
        if (amount != null && amount <= 0) {
            p.add(at + "." + key, "must be > 0");
        }
        double a = amount == null ? 1 : amount;
        Double window = number(t.get("windowMs"), at + ".windowMs", p);
        if (window != null && window <= 0) {
            p.add(at + ".windowMs", "must be > 0");
        }
        double hysteresis = a / 10;
        if (t.containsKey("hysteresis")) {
            Double h = number(t.get("hysteresis"), at + ".hysteresis", p);
            if (h != null && (h < 0 || h >= a)) {
                p.add(at + ".hysteresis", "must be >= 0 and smaller than \"" + key + "\"");
            }
            hysteresis = h == null ? hysteresis : h;
        }
        return new RateOfChangeRule(event, rising, a, window == null ? 1 : window.longValue(), hysteresis,
                severity(t, at, p), actions(t.get("actions"), at + ".actions", p));
    }

    private static AccumulateRule accumulate(Object raw, Problems p) {
        String at = "rules.accumulate";
        if (!(raw instanceof Map<?, ?> m)) {
            p.add(at, "must be an object");
            return null;
        }
        unknownKeys(m, ACCUMULATE_KEYS, at, p);
        boolean hourly = bool(m, "hourly", true, at, p);
        boolean daily = bool(m, "daily", true, at, p);
        if (!hourly && !daily) {
            p.add(at, "has neither \"hourly\" nor \"daily\" enabled");
        }
        boolean cumulative = true;
        Object counter = m.get("counter");
        if (counter != null) {
            if ("cumulative".equals(counter)) {
                cumulative = true;
            } else if ("interval".equals(counter)) {
                cumulative = false;
            } else {
                p.add(at + ".counter", "must be \"cumulative\" or \"interval\"");
            }
        }
        ZoneOffset zone = AccumulateRule.DEFAULT_ZONE;
        Object z = m.get("zone");
        if (z != null) {
            try {
                zone = ZoneOffset.of(z.toString());
            } catch (DateTimeException e) {
                p.add(at + ".zone", "must be a UTC offset such as \"+08:00\" (got \"" + z + "\")");
            }
        }
        int dayStart = 0;
        if (m.containsKey("dayStartHour")) {
            Double d = number(m.get("dayStartHour"), at + ".dayStartHour", p);
            if (d != null && (d < 0 || d > 23 || d != Math.floor(d))) {
                p.add(at + ".dayStartHour", "must be a whole hour 0 ... 23");
            }
            dayStart = d == null ? 0 : d.intValue();
        }
        return new AccumulateRule(hourly, daily, cumulative, zone, dayStart);
    }

    private static List<Action> actions(Object raw, String at, Problems p) {
        List<Action> out = new ArrayList<>();
        for (Map<?, ?> a : objects(raw, at, p)) {
            String here = at + "[" + out.size() + "]";
            unknownKeys(a, ACTION_KEYS, here, p);
            String device = id(a.get("device"), here + ".device", p);
            String channel = id(a.get("channel"), here + ".channel", p);
            Object value = a.get("value");
            if (!(value instanceof Boolean || value instanceof Number || value instanceof String)) {
                p.add(here + ".value", "is required: a boolean, number or string");
                value = Boolean.TRUE;
            }
            Object clear = a.get("clearValue");
            if (a.containsKey("clearValue")
                    && !(clear instanceof Boolean || clear instanceof Number || clear instanceof String)) {
                p.add(here + ".clearValue", "must be a boolean, number or string");
                clear = null;
            }
            if (!a.containsKey("clearValue") && value instanceof Boolean b) {
                clear = !b;
            }
            out.add(new Action(device == null ? "?" : device, channel == null ? "?" : channel, value, clear));
        }
        return out;
    }

    private static String event(Map<?, ?> t, String at, Problems p) {
        String e = id(t.get("event"), at + ".event", p);
        return e == null ? "?" : e;
    }

    private static String id(Object v, String at, Problems p) {
        if (!(v instanceof String s) || !ID.matcher(s).matches()) {
            p.add(at, "is required: 1-64 characters of [A-Za-z0-9._-]");
            return null;
        }
        return s;
    }

    private static Severity severity(Map<?, ?> t, String at, Problems p) {
        Object s = t.get("severity");
        if (s == null) {
            return Severity.WARNING;
        }
        try {
            return Severity.parse(s.toString());
        } catch (IllegalArgumentException e) {
            p.add(at + ".severity", "must be one of info, warning, major, critical (got \"" + s + "\")");
            return Severity.WARNING;
        }
    }

    private static boolean bool(Map<?, ?> m, String key, boolean fallback, String at, Problems p) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        p.add(at + "." + key, "must be true or false");
        return fallback;
    }

    private static Double number(Object v, String at, Problems p) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        p.add(at, v == null ? "is required: a number" : "must be a number (got " + describe(v) + ")");
        return null;
    }

    private static List<Map<?, ?>> objects(Object raw, String at, Problems p) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            p.add(at, "must be a list of objects");
            return List.of();
        }
        List<Map<?, ?>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> m) {
                out.add(m);
            } else {
                p.add(at + "[" + i + "]", "must be an object");
            }
        }
        return out;
    }

    private static void unknownKeys(Map<?, ?> m, Set<String> known, String at, Problems p) {
        for (Object k : m.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                p.add(at + "." + k, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    private static String describe(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static final class Problems {
        private final String prefix;
        private final List<String> list = new ArrayList<>();

        Problems(String prefix) {
            this.prefix = prefix;
        }

        void add(String key, String what) {
            list.add(prefix + key + " " + what);
        }
    }
}
