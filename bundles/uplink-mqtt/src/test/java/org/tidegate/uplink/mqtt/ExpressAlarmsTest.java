package org.tidegate.uplink.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.tidegate.crypto.ContentType;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.store.StoredMessage;

/**
 * The ordering and hand-over rules of {@link ExpressAlarms}: an alarm goes ahead of its commit only when no older
 * alarm can still be on its way through the store, and a published one is linked to its stored copy so that it is
 * deleted, not sent twice.
 */
class ExpressAlarmsTest {
    private static SealedMessage alarm(long seq) {
        return new SealedMessage("tidegate/gw/alarm/wl-001", ContentType.ALARM, 9, seq, 0, new byte[] {1});
    }

    private static StoredMessage stored(long id, long seq) {
        return new StoredMessage(id, "tidegate/gw/alarm/wl-001", 9, seq, 0, 0, new byte[] {1});
    }

    @Test
    void anOfferWithNothingOlderInTheStoreIsPublishedAndItsCopyLinkedWhenTaken() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        SealedMessage m = x.next(false);
        assertEquals(10, m.sequence());
        ExpressAlarms.Entry e = x.publishing(m);
        assertEquals(ExpressAlarms.NO_ID, x.acknowledged(e), "PUBACK before the take: nothing to delete yet");
        assertSame(ExpressAlarms.Link.ACKNOWLEDGED, x.taken(stored(7, 10)), "its copy is deleted, not sent");
        assertSame(ExpressAlarms.Link.NOT_EXPRESSED, x.taken(stored(7, 10)), "forgotten once linked");
        assertEquals(1, x.expressed());
    }

    @Test
    void aTakeBeforeThePubackGivesThePubackItsId() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        ExpressAlarms.Entry e = x.publishing(x.next(false));
        assertSame(ExpressAlarms.Link.IN_FLIGHT, x.taken(stored(7, 10)));
        assertEquals(7, x.acknowledged(e));
    }

    @Test
    void anOfferWhoseCopyWasTakenFirstIsSkipped() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        assertSame(ExpressAlarms.Link.NOT_EXPRESSED, x.taken(stored(7, 10)));
        assertNull(x.next(false));
    }

    @Test
    void alarmsInTheStoreKeepNewerOnesBehindThemUntilTakenThemselves() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        assertNull(x.next(true), "the store holds an alarm: 10 goes behind it");
        x.offer(alarm(11));
        assertNull(x.next(false), "10 is on its way through the store and not taken yet: 11 follows it");
        x.taken(stored(1, 10));
        x.offer(alarm(12));
        assertNull(x.next(false), "11 went by the store and is not taken yet: 12 follows it");
        x.taken(stored(2, 11));
        x.taken(stored(3, 12));
        x.offer(alarm(13));
        assertEquals(13, x.next(false).sequence(), "nothing older is left on the store's path");
    }

    @Test
    void alarmsSealedBeforeTheHandOverBeganKeepNewerOnesBehindThem() {
        ExpressAlarms x = new ExpressAlarms();
        x.storePathUpTo(20);
        x.offer(alarm(21));
        assertNull(x.next(false));
        x.taken(stored(1, 20));
        x.taken(stored(2, 21));
        x.offer(alarm(22));
        assertEquals(22, x.next(false).sequence());
    }

    @Test
    void withoutRoomEveryWaitingOfferGoesByTheStore() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        x.offer(alarm(11));
        x.noRoom();
        x.offer(alarm(12));
        assertNull(x.next(false), "10 and 11 went by the store: 12 waits behind them");
    }

    @Test
    void aSessionThatEndsBeforeThePubackLeavesTheAlarmToTheStoreAndKeepsAcknowledgedOnes() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        ExpressAlarms.Entry acked = x.publishing(x.next(false));
        x.acknowledged(acked);
        x.offer(alarm(11));
        x.publishing(x.next(false));
        x.sessionEnded();
        assertSame(ExpressAlarms.Link.ACKNOWLEDGED, x.taken(stored(1, 10)), "acknowledged: deleted when taken");
        assertSame(ExpressAlarms.Link.NOT_EXPRESSED, x.taken(stored(2, 11)), "not acknowledged: sent from the store");
        x.offer(alarm(12));
        assertEquals(12, x.next(false).sequence());
    }

    @Test
    void aFailedPublishLeavesTheAlarmToTheStore() {
        ExpressAlarms x = new ExpressAlarms();
        x.offer(alarm(10));
        x.failed(x.publishing(x.next(false)));
        assertSame(ExpressAlarms.Link.NOT_EXPRESSED, x.taken(stored(1, 10)));
    }

    @Test
    void anOfferBeyondTheBoundSendsAllOfThemByTheStore() {
        ExpressAlarms x = new ExpressAlarms();
        int n = ExpressAlarms.MAX_OFFERS + 1;
        for (int i = 1; i <= n; i++) {
            x.offer(alarm(i));
        }
        assertNull(x.next(false), "the last went by the store, so the ones before it follow it there, in order");
        for (int i = 1; i <= n; i++) {
            x.taken(stored(i, i));
        }
        x.offer(alarm(n + 1));
        assertEquals(n + 1, x.next(false).sequence());
    }
}
