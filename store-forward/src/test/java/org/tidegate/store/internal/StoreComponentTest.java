package org.tidegate.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.Synchronous;

/** The component as Declarative Services would build it, from the gateway.json "store" section. */
class StoreComponentTest {
    @TempDir
    Path home;

    @Test
    void mapsTheStoreSectionRelativeToHome() {
        QueueOptions o = StoreComponent.options(config("data/queue.db", 1000, 10, 0.5, "normal"));
        assertEquals(home.resolve("data/queue.db").toAbsolutePath().normalize(), o.path());
        assertEquals(1000, o.maxBytes());
        assertEquals(10, o.maxMessages());
        assertEquals(Duration.ofHours(12), o.maxAge());
        assertEquals(Synchronous.NORMAL, o.synchronous());
        assertThrows(IllegalArgumentException.class, () -> StoreComponent.options(config("q.db", 1, 1, 1, "OFF")));
    }

    @Test
    void configAdminPropertiesGoThroughTheSchema() {
        StoreConfig c = StoreSection.read(Map.of("home", home.toString(), "service.pid", StoreComponent.PID,
                "felix.fileinstall.filename", "file:/etc/store.cfg", "tidegate.source", "gateway.json",
                "osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)"));
        assertEquals(home.resolve(StoreSection.DEFAULT_PATH), c.path());
        assertEquals(StoreSection.DEFAULT_MAX_BYTES, c.maxBytes());
        assertEquals(StoreSection.DEFAULT_MAX_MESSAGES, c.maxMessages());
        assertEquals(Duration.ofDays(StoreSection.DEFAULT_MAX_AGE_DAYS), c.maxAge());
        assertEquals(Synchronous.FULL, c.synchronous());
        assertEquals("", c.gatewayId());
        assertEquals(Path.of("/var/q.db"), StoreSection.read(Map.of("home", home.toString(), "path", "/var/q.db")).path());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreSection.read(Map.of(
                "home", home.toString(), "maxBytes", 1000, "maxAgeDays", 0, "synchronous", "off", "maxMesages", 5)));
        String m = e.getMessage();
        assertTrue(m.contains("configuration org.tidegate.store: $.maxBytes: 1000 is out of range"), m);
        assertTrue(m.contains("$.maxAgeDays: 0 is out of range"), m);
        assertTrue(m.contains("$.synchronous:"), m);
        assertTrue(m.contains("$.maxMesages: unknown key (did you mean \"maxMessages\"?)"), m);
        assertThrows(IllegalArgumentException.class, () -> StoreSection.read(Map.of("path", " ")));
    }

    @Test
    void theSectionsDefaultsAreTheQueuesOwn() {
        // QueueOptions (store.sqlite, usable without configuration) keeps its own defaults; they must agree.
        QueueOptions d = QueueOptions.defaults(home.resolve("q.db"));
        StoreConfig c = StoreSection.read(Map.of());
        assertEquals(d.maxBytes(), c.maxBytes());
        assertEquals(d.maxMessages(), c.maxMessages());
        assertEquals(d.maxAge(), c.maxAge());
        assertEquals(d.synchronous(), c.synchronous());
    }

    @Test
    void servesTheQueueAndTheSequenceCounterFromTheHome() throws Exception {
        StoreComponent c = new StoreComponent(properties("data/queue.db", 1 << 20, 1000, 30, "FULL"), null);
        long s1;
        try {
            s1 = c.next();
            c.append("tidegate/gw/alarm", 9, s1, System.currentTimeMillis(), new byte[] {1});
            List<StoredMessage> taken = c.takeBatch(5);
            assertEquals(1, taken.size());
            assertEquals(s1, taken.get(0).sequence());
            c.close(); // a consumer's close() does not close the shared queue
            c.acknowledge(taken.get(0).id());
            assertEquals(1, c.stats().delivered());
        } finally {
            c.deactivate();
        }
        assertTrue(Files.exists(home.resolve("data/queue.db")));
        assertTrue(Files.exists(home.resolve("data/queue.db.seq")));
        StoreComponent again = new StoreComponent(properties("data/queue.db", 1 << 20, 1000, 30, "FULL"), null);
        try {
            assertTrue(again.next() > s1);
        } finally {
            again.deactivate();
        }
    }

    private StoreConfig config(String path, long maxBytes, long maxMessages, double maxAgeDays, String sync) {
        return new StoreConfig("gw-test", home.resolve(path), maxBytes, maxMessages,
                Duration.ofMillis(Math.round(maxAgeDays * 86_400_000d)), Synchronous.parse(sync));
    }

    /** ConfigAdmin properties as the config bundle writes them (plus what the framework adds). */
    private Map<String, Object> properties(String path, long maxBytes, long maxMessages, double maxAgeDays,
                                           String sync) {
        Map<String, Object> p = new HashMap<>();
        p.put("path", path);
        p.put("maxBytes", maxBytes);
        p.put("maxMessages", maxMessages);
        p.put("maxAgeDays", maxAgeDays);
        p.put("synchronous", sync);
        p.put("gatewayId", "gw-test");
        p.put("home", home.toString());
        p.put("service.pid", StoreComponent.PID);
        p.put("component.name", StoreComponent.class.getName());
        p.put("component.id", 7L);
        p.put("osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)");
        return p;
    }
}
