package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DuplicateFilterTest {
    @Test
    void inOrderStreamIsOneRange() {
        DuplicateFilter f = new DuplicateFilter();
        for (long s = 1; s <= 100_000; s++) {
            assertTrue(f.firstSeen("gw", s));
        }
        assertEquals(1, f.rangeCount("gw"));
        assertFalse(f.firstSeen("gw", 1));
        assertFalse(f.firstSeen("gw", 50_000));
        assertTrue(f.firstSeen("gw", 100_001));
        assertTrue(f.firstSeen("other", 1), "senders are separate");
    }

    @Test
    void shuffledDeliveryWithRepeatsIsExact() {
        List<Long> seqs = new ArrayList<>();
        for (long s = 0; s < 5000; s++) {
            seqs.add(s);
            if (s % 7 == 0) {
                seqs.add(s); // at-least-once
            }
        }
        Collections.shuffle(seqs, new Random(5));
        DuplicateFilter f = new DuplicateFilter(100_000);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long s : seqs) {
            assertEquals(seen.add(s), f.firstSeen("gw", s), "seq " + s);
        }
        assertEquals(1, f.rangeCount("gw"));
    }

    @Test
    void aBacklogFarBelowLiveDataIsNotMistakenForDuplicates() {
        DuplicateFilter f = new DuplicateFilter();
        for (long s = 5_000_000; s < 5_000_100; s++) {
            assertTrue(f.firstSeen("gw", s));
        }
        for (long s = 1; s < 10_000; s++) {
            assertTrue(f.firstSeen("gw", s), "backlog seq " + s);
        }
        assertEquals(2, f.rangeCount("gw"));
        assertFalse(f.firstSeen("gw", 5_000));
    }

    @Test
    void memoryIsBoundedByForgettingTheOldestRange() {
        DuplicateFilter f = new DuplicateFilter(10);
        for (long s = 0; s < 100; s += 2) { // every other message lost: 50 ranges
            f.firstSeen("gw", s);
        }
        assertEquals(10, f.rangeCount("gw"));
        assertTrue(f.seen("gw", 98));
        assertTrue(f.seen("gw", 80));
        assertFalse(f.seen("gw", 0), "forgotten: a late repeat is delivered again rather than dropped");
        assertTrue(f.firstSeen("gw", 1));
    }

    @Test
    void sequencesCompareUnsigned() {
        DuplicateFilter f = new DuplicateFilter();
        assertTrue(f.firstSeen("gw", -1L));
        assertTrue(f.firstSeen("gw", -2L));
        assertTrue(f.firstSeen("gw", Long.MAX_VALUE));
        assertTrue(f.firstSeen("gw", 0));
        assertFalse(f.firstSeen("gw", -1L));
        assertEquals(3, f.rangeCount("gw"));
    }
}
