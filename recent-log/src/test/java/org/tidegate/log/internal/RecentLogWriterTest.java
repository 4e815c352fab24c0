package org.tidegate.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinylog.Logger;
import org.tinylog.configuration.Configuration;

/**
 * The ring through tinylog itself: configured by name ({@code recent log}, found by tinylog's service loader) as the
 * launcher configures it, with its bounds, lines logged with {@link Logger} come back, an exception's lines each count, the bounds in
 * lines and in bytes hold, secrets are masked and PEM lines dropped on the way in.
 */
class RecentLogWriterTest {

    @Test
    void linesLoggedThroughTinylogComeBackBoundedAndWithoutSecrets() {
        Configuration.replace(Map.of("writerRing", "recent log", "writerRing.level", "info",
                "writerRing.format", "{level} {message}", "writerRing.lines", "500", "writerRing.bytes", "65536"));
        LineRing ring = LineRing.process();
        Logger.info("device={} started", "pm-001");
        Logger.debug("below the level");
        Logger.warn("console: one-time login token: 3f9c0ddba1 (log in once)");
        Logger.info("-----BEGIN PRIVATE KEY-----");
        Logger.error(new IllegalStateException("boom"), "failed");
        List<String> last = ring.last(1000);
        assertTrue(last.contains("INFO device=pm-001 started"), last::toString);
        assertFalse(last.stream().anyMatch(l -> l.contains("below the level")), last::toString);
        assertTrue(last.contains("WARN console: one-time login token: *** (log in once)"), last::toString);
        assertFalse(last.stream().anyMatch(l -> l.contains("3f9c0ddba1") || l.contains("BEGIN")), last::toString);
        assertTrue(last.stream().anyMatch(l -> l.startsWith("ERROR failed")), last::toString);
        assertTrue(last.stream().anyMatch(l -> l.contains("IllegalStateException: boom")), "an exception's lines");
        assertTrue(last.stream().anyMatch(l -> l.trim().startsWith("at org.tidegate.log.internal.RecentLogWriterTest")),
                last::toString);

        // the bounds: 50 lines ...
        ring.bounds(50, 8192);
        for (int i = 0; i < 200; i++) {
            Logger.info("line {}", i);
        }
        assertEquals(50, ring.lines());
        assertEquals("INFO line 199", ring.last(1).get(0));
        assertEquals("INFO line 150", ring.last(1000).get(0), "the oldest went first");
        assertTrue(ring.dropped() > 150);
        // ... and 8 KiB: long lines are cut at 1000 characters, so at most 8 fit
        for (int i = 0; i < 20; i++) {
            Logger.info("{}", "x".repeat(5000));
        }
        assertTrue(ring.bytes() <= 8192, () -> ring.bytes() + " bytes");
        assertTrue(ring.lines() <= 8);
        assertEquals(LineRing.MAX_LINE_CHARS + 1, ring.last(1).get(0).length(), "cut, with an ellipsis");
    }

    @Test
    void lastIsClampedAndOldestFirst() {
        LineRing r = new LineRing(3, 4096);
        assertEquals(List.of(), r.last(10));
        for (String s : List.of("a", "b", "c", "d")) {
            r.add(s);
        }
        assertEquals(List.of("b", "c", "d"), r.last(10));
        assertEquals(List.of("d"), r.last(0), "at least one");
        assertEquals(List.of("c", "d"), r.last(2));
        assertEquals(1, r.dropped());
        assertEquals("password=*** secret: *** \"token\":\"***\"",
                LineRing.clean("password=hunter2 secret: s3 \"token\":\"abc\""));
        assertEquals("broker password=*** ok", LineRing.clean("broker password=hunter2 ok"));
        assertEquals("{\"password\":\"***\",\"url\":\"u\"}", LineRing.clean("{\"password\":\"hunter2\",\"url\":\"u\"}"));
        assertEquals("token ***", LineRing.clean("token abc123"));
        assertEquals(null, LineRing.clean("-----BEGIN PRIVATE KEY-----"));
    }
}
