package org.tidegate.pipeline.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reference counting of outputs shared by several alarms: the siren goes on when the first bound alarm is
 * raised and off only when every bound alarm has cleared, whichever device and channel raised them.
 * Thread-safe: poll threads of different devices call it.
 */
public final class ActionCoordinator {
    private final Map<String, Target> targets = new HashMap<>();

    private static final class Target {
        final Set<String> holders = new LinkedHashSet<>();
        long generation;
    }

    /** @return the writes this transition calls for (none while another alarm still holds the output) */
    public synchronized List<ActionCommand> onAlarm(AlarmEvent e) {
        List<ActionCommand> out = new ArrayList<>(e.actions().size());
        for (Action a : e.actions()) {
            Target t = targets.computeIfAbsent(a.target(), k -> new Target());
            if (e.raised()) {
                if (t.holders.add(e.key()) && t.holders.size() == 1) {
                    out.add(new ActionCommand(a, a.value(), true, e, ++t.generation));
                }
            } else if (t.holders.remove(e.key()) && t.holders.isEmpty() && a.clearValue() != null) {
                out.add(new ActionCommand(a, a.clearValue(), false, e, ++t.generation));
            }
        }
        return out;
    }

    /** True while no newer command for the same target was decided (a retry of a stale command is pointless). */
    public synchronized boolean isCurrent(ActionCommand c) {
        Target t = targets.get(c.action().target());
        return t != null && t.generation == c.generation();
    }

    /** The alarms ({@code device/event}) currently holding a target ({@code device/channel}). */
    public synchronized Set<String> holders(String target) {
        Target t = targets.get(target);
        return t == null ? Set.of() : Set.copyOf(t.holders);
    }
}
