package org.tidegate.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tidegate.ingest.AuditLimits;

/** The audit rate limit per (reason, topic gateway id) and in all, and the counts of what it kept out. */
class AuditLimiterTest {
    final AtomicLong clock = new AtomicLong();

    static Verified refused(String topic, String reason) {
        return Verified.refused(new Inbound(topic, new byte[] {1}, 1, 1, 1, 0), reason, "", -1, "x");
    }

    AuditLimiter limiter(AuditLimits limits) {
        return new AuditLimiter(limits, "tidegate", clock::get);
    }

    static int admitted(AuditLimiter l, String topic, String reason, int n) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            ok += l.admit(refused(topic, reason)) ? 1 : 0;
        }
        return ok;
    }

    @Test
    void oneKeyGetsItsBurstThenItsRate() {
        AuditLimiter l = limiter(AuditLimits.DEFAULTS);
        assertEquals(10, admitted(l, "tidegate/gw-1/telemetry/d", "BAD_FRAME", 1000));
        clock.addAndGet(Duration.ofSeconds(10).toNanos()); // 0.1 row/s: one more
        assertEquals(1, admitted(l, "tidegate/gw-1/telemetry/d", "BAD_FRAME", 1000));
        // another reason, or another gateway in the topic, is another key
        assertEquals(10, admitted(l, "tidegate/gw-1/telemetry/d", "BAD_SIGNATURE", 1000));
        assertEquals(10, admitted(l, "tidegate/gw-2/telemetry/other", "BAD_FRAME", 1000));
    }

    @Test
    void manyKeysTogetherGetTheTotalBurstThenTheTotalRate() {
        AuditLimiter l = limiter(AuditLimits.DEFAULTS);
        int ok = 0;
        for (int g = 0; g < 1000; g++) {
            ok += admitted(l, "tidegate/gw-" + g + "/telemetry/d", "BAD_FRAME", 20);
        }
        assertEquals(100, ok, "the total burst, whatever the number of gateway ids an attacker uses");
        clock.addAndGet(Duration.ofSeconds(60).toNanos());
        ok = 0;
        for (int g = 0; g < 1000; g++) {
            ok += admitted(l, "tidegate/gw-" + g + "/telemetry/d", "BAD_FRAME", 20);
        }
        assertEquals(60, ok, "1 row/s in all");
    }

    @Test
    void theTopicsGatewayIdIsTheKeyNotTheClaimedSender() {
        AuditLimiter l = limiter(AuditLimits.DEFAULTS);
        assertEquals("gw-1", l.topicGateway("tidegate/gw-1/telemetry/d"));
        assertEquals("gw-1", l.topicGateway("tidegate/gw-1/status"));
        assertEquals("gw-1", l.topicGateway("tidegate/gw-1"));
        assertEquals("", l.topicGateway("other/gw-1/status"));
        assertEquals(64, l.topicGateway("tidegate/" + "x".repeat(10_000) + "/status").length());
    }

    @Test
    void whatIsNotStoredIsCountedPerReasonWithItsTopicGatewayIdsUntilWritten() {
        AuditLimiter l = limiter(AuditLimits.DEFAULTS);
        assertFalse(l.hasPending());
        for (int i = 0; i < 500; i++) {
            l.notStored(refused("tidegate/gw-a/telemetry/d", "BAD_FRAME"), 1_000 + i);
        }
        for (int g = 0; g < 100; g++) {
            l.notStored(refused("tidegate/gw-" + g + "/telemetry/d", "BAD_FRAME"), 2_000);
        }
        l.notStored(refused("tidegate/gw-a/alarm/d", "BAD_SIGNATURE"), 3_000);
        List<AuditLimiter.Summary> s = l.summaries();
        assertEquals(2, s.size());
        AuditLimiter.Summary frames = s.get(0);
        assertEquals("BAD_FRAME", frames.reason());
        assertEquals(600, frames.count());
        assertEquals(1_000, frames.firstMillis());
        assertEquals(2_000, frames.lastMillis());
        assertTrue(frames.detail().startsWith("600 refusals not stored (over the audit rate limit) from"
                + " 1970-01-01T00:00:01Z to 1970-01-01T00:00:02Z; by gateway id in the topic: gw-a 500, gw-0 1,"),
                frames.detail());
        // 64 ids tracked one by one (gw-a and 63 more), 10 listed; the other 90 in one figure
        assertTrue(frames.detail().endsWith(", others 91 (54 ids and more not tracked one by one)"), frames.detail());
        assertEquals("BAD_SIGNATURE|1", s.get(1).reason() + "|" + s.get(1).count());
        assertEquals(s, l.summaries(), "still counted until written");
        l.written();
        assertFalse(l.hasPending());
        assertTrue(l.summaries().isEmpty());
    }
}
