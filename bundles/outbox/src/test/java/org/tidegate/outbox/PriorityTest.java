package org.tidegate.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tidegate.crypto.ContentType;
import org.tidegate.store.StoreAndForwardQueue;

class PriorityTest {

    @Test
    void alarmsHighestThenRepliesThenStatusThenTelemetryThenRefusals() {
        assertEquals(9, Priority.ALARM.value());
        assertEquals(8, Priority.REPLY.value());
        assertEquals(5, Priority.STATUS.value());
        assertEquals(4, Priority.TELEMETRY.value());
        assertEquals(3, Priority.REFUSAL.value());
        assertTrue(Priority.REFUSAL.value() < Priority.TELEMETRY.value(), "refusals never outrank or evict telemetry");
        Priority[] all = Priority.values();
        for (int i = 1; i < all.length; i++) {
            assertTrue(all[i - 1].value() < all[i].value(), "declared lowest first, strictly increasing");
        }
        for (Priority p : all) {
            assertTrue(p.value() >= StoreAndForwardQueue.MIN_PRIORITY && p.value() <= StoreAndForwardQueue.MAX_PRIORITY);
        }
    }

    @Test
    void alarmIsWhatTheStoreProtectsAsAnAlarm() {
        assertEquals(StoreAndForwardQueue.ALARM_PRIORITY, Priority.ALARM.value());
        assertEquals(StoreAndForwardQueue.MAX_PRIORITY, Priority.ALARM.value());
        for (Priority p : Priority.values()) {
            assertTrue(p == Priority.ALARM || p.value() < StoreAndForwardQueue.ALARM_PRIORITY,
                    p + " must not get the store's alarm treatment");
        }
    }

    @Test
    void byContentType() {
        assertEquals(Priority.TELEMETRY, Priority.of(ContentType.TELEMETRY));
        assertEquals(Priority.ALARM, Priority.of(ContentType.ALARM));
        assertEquals(Priority.STATUS, Priority.of(ContentType.STATUS));
        assertEquals(Priority.REPLY, Priority.of(ContentType.REPLY));
        assertThrows(IllegalArgumentException.class, () -> Priority.of(ContentType.COMMAND));
    }
}
