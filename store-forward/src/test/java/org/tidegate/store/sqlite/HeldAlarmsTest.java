package org.tidegate.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.store.sqlite.QueueTesting.bytes;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.store.EvictionReason;
import org.tidegate.store.StoredMessage;

/** The in-memory alarm fallback on its own (the queue-level behaviour is in StorageFailureTest). */
class HeldAlarmsTest {
    static final long NOW = System.currentTimeMillis();

    @Test
    void heldAlarmsAreBoundedHandedOutAndReleased() {
        HeldAlarms alarms = new HeldAlarms(2);
        QueueCounters counters = new QueueCounters();
        assertTrue(alarms.accepts(9));
        assertTrue(alarms.accepts(8), "a reply to an accepted command (StoreAndForwardQueue.KEPT_PRIORITY)");
        assertFalse(alarms.accepts(5), "status");
        assertFalse(new HeldAlarms(0).accepts(9));
        long a1 = alarms.hold("a", 9, 1, NOW, bytes("1"), counters);
        long a2 = alarms.hold("a", 9, 2, NOW, bytes("2"), counters);
        long a3 = alarms.hold("a", 9, 3, NOW, bytes("3"), counters);
        assertTrue(a1 < 0 && a2 < a1 && a3 < a2, "negative, never reused");
        assertEquals(List.of(a2, a3), List.copyOf(alarms.all().keySet()), "the oldest was dropped");
        assertEquals(1, counters.evictedByReason().get(EvictionReason.MEMORY_FULL.key()));
        List<StoredMessage> out = new ArrayList<>();
        assertEquals(0, alarms.take(1, out));
        assertEquals(List.of(a2), out.stream().map(StoredMessage::id).toList());
        assertEquals(1, alarms.waiting());
        assertEquals(1, alarms.inFlight());
        assertEquals(1, alarms.release());
        out.clear();
        assertEquals(1, alarms.take(5, out), "a2 again is a re-delivery");
        assertEquals(List.of(2, 1), out.stream().map(StoredMessage::attempts).toList());
        assertTrue(alarms.remove(a2));
        assertFalse(alarms.remove(a2));
    }
}
