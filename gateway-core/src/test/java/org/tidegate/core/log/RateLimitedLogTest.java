package org.tidegate.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> lines = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog(2, 5,
            (level, format, args) -> lines.add(level + " " + format + " " + List.of(args)), nanos::get);

    @Test
    void aFloodWritesTheBurstThenTheRateAndSaysHowManyWereSuppressed() {
        for (int i = 0; i < 20_000; i++) {
            log.warn("STALE", "refused {}", i);
        }
        assertEquals(5, lines.size(), "the burst only");
        assertEquals(19_995, log.suppressed());
        nanos.addAndGet(500_000_000L); // half a second: one token at 2/s
        assertTrue(log.warn("STALE", "refused {}", "late"));
        assertEquals("WARN refused {} [{} similar lines suppressed] [late, 19995]", lines.get(5));
        assertFalse(log.warn("STALE", "refused {}", "again"));
        assertEquals(6, log.written());
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        for (int i = 0; i < 100; i++) {
            log.warn("STALE", "x");
            log.warn("REPLAYED", "y");
        }
        assertEquals(10, lines.size());
    }

    @Test
    void manyDistinctKeysShareOneBucketBeyondTheLimit() {
        TokenBuckets b = new TokenBuckets(1, 1, nanos::get);
        int granted = 0;
        for (int i = 0; i < 10_000; i++) {
            if (b.tryAcquire("k" + i)) {
                granted++;
            }
        }
        assertEquals(TokenBuckets.MAX_KEYS + 1, granted, "256 own buckets, then one shared");
    }
}
