package org.tidegate.uplink.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.uplink.mqtt.CommandProcessor;
import org.tidegate.uplink.mqtt.CommandQueue;
import org.tidegate.uplink.mqtt.UplinkState;

/**
 * The {@code link} object of the {@code online} status message: what the cloud link refused or dropped, so that
 * a flood of junk commands or oversized frames is visible at the platform, not only in the gateway's (rate-limited)
 * log.
 */
public final class LinkStatus implements StatusProvider {
    private final CommandProcessor processor;
    private final CommandQueue queue;
    private final Supplier<UplinkState> state;

    public LinkStatus(CommandProcessor processor, CommandQueue queue, Supplier<UplinkState> state) {
        this.processor = processor;
        this.queue = queue;
        this.state = state;
    }

    @Override
    public String name() {
        return "link";
    }

    @Override
    public Map<String, Object> status() {
        CommandProcessor.Stats s = processor.stats();
        Map<String, Object> refused = new LinkedHashMap<>();
        s.refused().forEach((reason, n) -> refused.put(reason.name(), n));
        if (queue.refusedFull() > 0) {
            refused.put("QUEUE_FULL", queue.refusedFull());
        }
        if (s.replayStateUnwritable() > 0) {
            refused.put("REPLAY_STATE_UNWRITABLE", s.replayStateUnwritable());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("commandsAccepted", s.accepted());
        out.put("commandsRefused", refused);
        out.put("refusalReplies", s.refusalReplies());
        out.put("refusalRepliesSuppressed", s.refusalRepliesSuppressed());
        out.put("logLinesSuppressed", s.logLinesSuppressed());
        UplinkState u = state.get();
        out.put("framesDropped", u == null ? 0 : u.framesDropped());
        out.put("watchdogTrips", u == null ? 0 : u.watchdogTrips());
        out.put("alarmThreadFailures", u == null ? 0 : u.alarmThreadFailures());
        return out;
    }
}
