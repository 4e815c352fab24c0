package org.tidegate.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandOffTest {
    private final HandOff<String> handOff = new HandOff<>(10);

    private List<String> takeAll() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (String s; (s = handOff.poll(0, TimeUnit.MILLISECONDS)) != null; ) {
            out.add(s);
        }
        return out;
    }

    @Test
    void itemsRefusedOutOfOrderAreGivenOutAgainInTheOrderTheyWereTaken() throws InterruptedException {
        for (String s : List.of("a", "b", "c", "d")) {
            handOff.offerRoutine(s);
        }
        assertEquals("a", handOff.poll(0, TimeUnit.MILLISECONDS));
        assertEquals("b", handOff.poll(0, TimeUnit.MILLISECONDS));
        assertEquals("c", handOff.poll(0, TimeUnit.MILLISECONDS));
        // Handed on to other threads and refused there, the last first.
        handOff.returnRoutine("c", 3);
        handOff.returnRoutine("a", 1);
        handOff.returnRoutine("b", 2);
        handOff.offerRoutine("e");
        assertEquals(List.of("a", "b", "c", "d", "e"), takeAll());
    }

    @Test
    void urgentItemsStillGoFirstAndATakenItemForgetsItsOrder() throws InterruptedException {
        handOff.offerRoutine("t1");
        handOff.offerRoutine("t2");
        assertEquals("t1", handOff.poll(0, TimeUnit.MILLISECONDS));
        handOff.returnRoutine("t1", 7);
        handOff.putUrgent("alarm");
        assertEquals("alarm", handOff.poll(0, TimeUnit.MILLISECONDS));
        assertEquals("t1", handOff.poll(0, TimeUnit.MILLISECONDS));
        // Taken again with a new order number, refused again: it goes back to the head.
        handOff.returnRoutine("t1", 8);
        assertEquals(List.of("t1", "t2"), takeAll());
        assertNull(handOff.poll(0, TimeUnit.MILLISECONDS));
    }
}
