package org.tidegate.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
    @Test
    void aSessionEndsAfterItsIdleTimeAndAtItsMaximumAge() {
        AtomicLong now = new AtomicLong(1_000_000);
        Sessions s = new Sessions(10_000, now::get);
        Sessions.Session a = s.create("admin", "127.0.0.1");
        assertNotEquals(a.id(), a.csrf());
        now.addAndGet(9_000);
        assertNotNull(s.find(a.id()), "used within its idle time");
        now.addAndGet(9_000);
        assertNotNull(s.find(a.id()), "each request moves the end");
        now.addAndGet(10_000);
        assertNull(s.find(a.id()), "idle for its whole lifetime: ended");
        assertNull(s.find(a.id()));

        Sessions.Session b = s.create("admin", "127.0.0.1");
        for (int i = 0; i < Sessions.MAX_AGE_HOURS * 360; i++) {
            now.addAndGet(9_999);
            s.find(b.id());
        }
        now.addAndGet(20_000);
        assertNull(s.find(b.id()), "busy, but past the maximum age");
        assertNull(s.find(null));
        assertNull(s.find("not-a-session"));
    }

    @Test
    void atMostSixteenSessionsTheOldestGoesFirst() {
        Sessions s = new Sessions(60_000, () -> 0L);
        Sessions.Session first = s.create("admin", "a");
        for (int i = 0; i < Sessions.MAX_SESSIONS; i++) {
            s.create("admin", "b" + i);
        }
        assertEquals(Sessions.MAX_SESSIONS, s.size());
        assertNull(s.find(first.id()));
    }
}
