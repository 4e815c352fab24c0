package org.tidegate.pipeline.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;

/**
 * The edge rules of a home, checked with the same {@link RuleParser} the running pipeline uses: every channel's
 * {@code rules} (problems at their file and JSON path; unknown keys are reported by the caller's
 * {@link ConfigNode#reportUnknownKeys()} on the whole document), event names unique per device, and, once a
 * device's rules parse, every action's target: a configured and enabled device, an existing channel, a writable
 * one. Listed in {@code META-INF/services/org.tidegate.core.config.HomeCheck}; keeps no state.
 */
public final class RulesCheck implements HomeCheck {

    @Override
    public void check(List<DecodedDevice> devices) {
        Map<String, Device> byId = new HashMap<>();
        devices.forEach(d -> byId.putIfAbsent(d.device().id(), d.device()));
        for (DecodedDevice d : devices) {
            ConfigProblems problems = d.node().problems();
            int before = problems.errorCount();
            List<Map.Entry<Action, ConfigNode>> actions = new ArrayList<>();
            RuleParser.read(d.device(), d.node(), (a, node) -> actions.add(Map.entry(a, node)));
            if (problems.errorCount() > before) {
                continue;   // the targets are checked once the device's rules parse
            }
            for (Map.Entry<Action, ConfigNode> e : actions) {
                target(e.getKey(), e.getValue(), byId);
            }
        }
    }

    private static void target(Action a, ConfigNode node, Map<String, Device> byId) {
        Device target = byId.get(a.device());
        if (target == null) {
            node.child("device").error("action targets device \"" + a.device()
                    + "\", which is not configured (or disabled)" + hint(a.device(), byId.keySet()));
            return;
        }
        Channel channel = target.channel(a.channel()).orElse(null);
        if (channel == null) {
            node.child("channel").error("action targets " + a.target() + ", which has no such channel"
                    + hint(a.channel(), target.channels().stream().map(Channel::id).toList()));
        } else if (!channel.access().writable()) {
            node.child("channel").error("action targets " + a.target() + ", which is read-only");
        } else {
            value(node.child("value"), a.value(), a, channel);
            if (a.clearValue() != null) {
                value(node.child("clearValue"), a.clearValue(), a, channel);
            }
        }
    }

    /** A value the target could never take would fail at every attempt, alarm after alarm: refused here instead. */
    private static void value(ConfigNode at, Object value, Action a, Channel channel) {
        Object raw = channel.toRaw(value);
        String problem = channel.type().writeProblem(raw);
        if (problem == null && channel.type() == DataType.STRING && value.toString().length() > 2 * channel.length()) {
            problem = "a string of " + channel.length() + " registers holds at most " + 2 * channel.length() + " characters";
        }
        if (problem != null) {
            String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
            boolean scaled = channel.type().isNumeric() && value instanceof Number
                    && (channel.scale() != 1.0 || channel.offset() != 0.0);
            at.error(shown + " cannot be written to " + a.target() + " (" + channel.type().configName() + "): " + problem
                    + (scaled ? " (raw " + raw + " after its scale and offset)" : ""));
        }
    }

    private static String hint(String got, java.util.Collection<String> known) {
        String h = ConfigNode.closest(got, known);
        return h == null ? "" : " (did you mean \"" + h + "\"?)";
    }
}
