package org.tidegate.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tidegate.core.health.Heartbeat;

/** The watchdog's verdict: empty while every watched thread beats within its limit, else who is late. */
class LivenessComponentTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void aThreadThatStopsBeatingIsNamedOnceItsLimitPasses() {
        LivenessComponent l = new LivenessComponent(now::get, 0, null, 0);
        Heartbeat uplink = l.register("uplink", Duration.ofSeconds(60));
        Heartbeat store = l.register("store", Duration.ofSeconds(60));
        assertEquals("", l.get());
        for (int i = 0; i < 5; i++) { // both beat every 30 s: on time for 150 s
            advance(30);
            uplink.beat();
            store.beat();
            assertEquals("", l.get());
        }
        advance(59);
        store.beat(); // the uplink stops
        assertEquals("", l.get());
        advance(2);
        assertEquals("uplink silent for 61 s (limit 60 s)", l.get());
        uplink.beat(); // it recovers
        assertEquals("", l.get());
    }

    @Test
    void aClosedHeartbeatIsNoLongerWatched() {
        LivenessComponent l = new LivenessComponent(now::get, 0, null, 0);
        Heartbeat poll = l.register("poll device=wl-001", Duration.ofSeconds(5));
        advance(6);
        assertEquals("poll device=wl-001 silent for 6 s (limit 5 s)", l.get());
        poll.close();
        assertEquals("", l.get());
        assertEquals(java.util.List.of(), l.names());
    }

    @Test
    void theCapShortensEveryLimit() {
        LivenessComponent l = new LivenessComponent(now::get, 3, null, 0);
        l.register("uplink", Duration.ofSeconds(60));
        advance(3);
        assertEquals("", l.get());
        advance(1);
        assertEquals("uplink silent for 4 s (limit 3 s)", l.get());
    }

    @Test
    void theTestHookBlocksTheNamedThreadInItsBeat() throws Exception {
        LivenessComponent l = new LivenessComponent(System::nanoTime, 1, "uplink", 0);
        Heartbeat uplink = l.register("uplink", Duration.ofSeconds(60));
        Heartbeat store = l.register("store", Duration.ofSeconds(60));
        store.beat(); // others are not affected
        Thread t = new Thread(uplink::beat, "stalled");
        t.start();
        t.join(300);
        assertTrue(t.isAlive(), "the hooked thread must block in beat()");
        Thread.sleep(1200);
        store.beat();
        assertTrue(l.get().startsWith("uplink silent for"), l.get());
        uplink.close(); // its component stops: the thread is let go
        t.join(3000);
        assertFalse(t.isAlive());
    }
}
