package org.tidegate.console.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.pipeline.AlarmObserver;
import org.tidegate.pipeline.rules.AlarmEvent;

/**
 * The console's alarm page: every alarm transition since start, the newest {@value #KEEP} of them, and which are
 * raised now. Fed by the pipeline ({@link AlarmObserver}); in memory only. Thread-safe.
 */
final class AlarmLog implements AlarmObserver {
    static final int KEEP = 200;

    private final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>();
    private final Map<String, Map<String, Object>> open = new LinkedHashMap<>();
    private long raised;
    private long cleared;

    @Override
    public synchronized void alarmChanged(AlarmEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", e.t());
        m.put("device", e.device());
        m.put("channel", e.channel());
        m.put("event", e.event());
        m.put("state", e.state());
        m.put("severity", e.severity().wireName());
        m.put("value", e.value());
        m.put("rule", e.rule());
        if (e.limit() != null) {
            m.put("limit", e.limit());
        }
        recent.addFirst(m);
        while (recent.size() > KEEP) {
            recent.removeLast();
        }
        if (e.raised()) {
            raised++;
            open.put(e.key(), m);
        } else {
            cleared++;
            open.remove(e.key());
        }
    }

    synchronized List<Map<String, Object>> open() {
        return new ArrayList<>(open.values());
    }

    synchronized List<Map<String, Object>> recent(int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : recent) {
            if (out.size() >= limit) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    synchronized long raised() {
        return raised;
    }

    synchronized long cleared() {
        return cleared;
    }

    synchronized int openCount() {
        return open.size();
    }
}
