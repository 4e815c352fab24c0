package org.tidegate.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    void servesTheQueueAndTheSequenceCounterFromTheHome() throws Exception {
        StoreComponent c = new StoreComponent(config("data/queue.db", 1 << 20, 1000, 30, "FULL"));
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
        StoreComponent again = new StoreComponent(config("data/queue.db", 1 << 20, 1000, 30, "FULL"));
        try {
            assertTrue(again.next() > s1);
        } finally {
            again.deactivate();
        }
    }

    private StoreConfig config(String path, long maxBytes, long maxMessages, double maxAgeDays, String sync) {
        String homeDir = home.toString();
        return new StoreConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }

            @Override
            public long maxMessages() {
                return maxMessages;
            }

            @Override
            public double maxAgeDays() {
                return maxAgeDays;
            }

            @Override
            public String synchronous() {
                return sync;
            }

            @Override
            public String gatewayId() {
                return "gw-test";
            }

            @Override
            public String home() {
                return homeDir;
            }
        };
    }
}
