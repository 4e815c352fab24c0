package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidegate.crypto.EnvelopeException.Reason.REPLAYED;
import static org.tidegate.crypto.EnvelopeException.Reason.STALE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandReplayGuardTest {
    @TempDir
    Path dir;
    static final long NOW = Instant.parse("2024-11-22T10:40:00Z").toEpochMilli();

    @Test
    void strictlyNewerAndWithinTheWindow() throws Exception {
        CommandReplayGuard g = new CommandReplayGuard(dir.resolve("replay.json"), Duration.ofMinutes(5));
        g.admit("cloud", 10, NOW, NOW);
        assertEquals(REPLAYED, assertThrows(EnvelopeException.class, () -> g.admit("cloud", 10, NOW, NOW)).reason());
        assertEquals(REPLAYED, assertThrows(EnvelopeException.class, () -> g.admit("cloud", 9, NOW, NOW)).reason());
        g.admit("cloud", 12, NOW - 299_000, NOW);
        g.admit("cloud", 13, NOW + 299_000, NOW);
        assertEquals(STALE, assertThrows(EnvelopeException.class, () -> g.admit("cloud", 14, NOW - 301_000, NOW)).reason());
        assertEquals(STALE, assertThrows(EnvelopeException.class, () -> g.admit("cloud", 14, NOW + 301_000, NOW)).reason());
        // a refused command does not move the mark
        g.admit("cloud", 14, NOW, NOW);
        // an old command replayed much later is REPLAYED (checked first), not STALE
        assertEquals(REPLAYED, assertThrows(EnvelopeException.class,
                () -> g.admit("cloud", 10, NOW, NOW + 3_600_000)).reason());
        g.admit("cloud-2", 1, NOW, NOW);
        assertEquals(14, g.lastAccepted("cloud").getAsLong());
    }

    @Test
    void stateSurvivesARestart() throws Exception {
        Path file = dir.resolve("replay.json");
        CommandReplayGuard g = new CommandReplayGuard(file, Duration.ofMinutes(5));
        g.admit("cloud", 41, NOW, NOW);
        g.admit("cloud", 42, NOW, NOW);
        assertTrue(Files.exists(file));
        CommandReplayGuard after = new CommandReplayGuard(file, Duration.ofMinutes(5));
        assertEquals(42, after.lastAccepted("cloud").getAsLong());
        assertEquals(REPLAYED, assertThrows(EnvelopeException.class, () -> after.admit("cloud", 42, NOW, NOW)).reason());
        after.admit("cloud", 43, NOW, NOW);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
        assertEquals(43, new CommandReplayGuard(file, Duration.ofMinutes(5)).lastAccepted("cloud").getAsLong());
    }

    @Test
    void largeUnsignedSequencesPersist() throws Exception {
        Path file = dir.resolve("replay.json");
        new CommandReplayGuard(file).admit("cloud", -5L, NOW, NOW);
        CommandReplayGuard after = new CommandReplayGuard(file);
        assertEquals(REPLAYED, assertThrows(EnvelopeException.class, () -> after.admit("cloud", 7, NOW, NOW)).reason());
        after.admit("cloud", -4L, NOW, NOW);
    }

    @Test
    void aCorruptStateFileStopsStartRatherThanForgetting() throws Exception {
        Path file = Files.writeString(dir.resolve("replay.json"), "{ half a file");
        IOException e = assertThrows(IOException.class, () -> new CommandReplayGuard(file));
        assertTrue(e.getMessage().contains("replay.json"), e.getMessage());
    }

    @Test
    void aFailedWriteRefusesTheCommandAndKeepsTheMark() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        CommandReplayGuard g = new CommandReplayGuard(sub.resolve("replay.json"));
        g.admit("cloud", 1, NOW, NOW);
        Files.delete(sub.resolve("replay.json"));
        Files.delete(sub);
        assertThrows(IOException.class, () -> g.admit("cloud", 2, NOW, NOW));
        assertEquals(1, g.lastAccepted("cloud").getAsLong());
    }

    @Test
    void theWindowCheckDoesNotOverflowAtTheExtremesOfLong() throws Exception {
        CommandReplayGuard g = new CommandReplayGuard(dir.resolve("replay.json"), Duration.ofMinutes(5));
        long seq = 100;
        // Math.abs(created - now) wraps for these: MIN_VALUE + NOW - NOW = MIN_VALUE, whose abs is negative
        long[][] createdNow = {
            {Long.MIN_VALUE, NOW}, {Long.MAX_VALUE, NOW}, {Long.MIN_VALUE + NOW, NOW}, {Long.MAX_VALUE, -1},
            {Long.MIN_VALUE, Long.MAX_VALUE}, {Long.MAX_VALUE, Long.MIN_VALUE}, {Long.MIN_VALUE, 1}, {0, Long.MIN_VALUE},
        };
        for (long[] c : createdNow) {
            long s = seq++;
            EnvelopeException e = assertThrows(EnvelopeException.class, () -> g.admit("cloud", s, c[0], c[1]),
                    c[0] + " at " + c[1]);
            assertEquals(STALE, e.reason(), e.getMessage());
        }
        assertTrue(g.lastAccepted("cloud").isEmpty());
        // inside the window at the very ends of the range: accepted, no wrap of now ± window
        g.admit("cloud", seq++, Long.MAX_VALUE, Long.MAX_VALUE - 1);
        g.admit("cloud", seq++, Long.MIN_VALUE, Long.MIN_VALUE + 1);
        g.admit("cloud", seq++, Long.MAX_VALUE - 300_000, Long.MAX_VALUE);
        assertEquals(STALE, assertThrows(EnvelopeException.class,
                () -> g.admit("cloud", 200, Long.MAX_VALUE - 300_001, Long.MAX_VALUE)).reason());
        assertTrue(CommandReplayGuard.outsideWindow(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        assertTrue(!CommandReplayGuard.outsideWindow(0, Long.MAX_VALUE, Long.MAX_VALUE));
    }
}
