package org.tidegate.uplink.mqtt;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.store.StoredMessage;

/**
 * The bookkeeping of alarms published from the outbox's hand-over ({@code Outbox.expressAlarms}) the moment they
 * are sealed, before the store has committed them. The store has one writer; an alarm's append waits for the
 * routine transaction it is syncing, which on an SD card, or on a board whose cores are saturated, takes 50-250 ms
 * (a trace in docs/performance.md, round 8). Published from here, the alarm waits for none of it.
 *
 * <p>The alarm is still appended as before, and the stored copy is what makes it durable: when a take of the
 * store returns it, {@link #taken} links the two by sequence number, so it is not published again and the
 * PUBACK (before or after that) deletes it. A session that ends before the PUBACK drops the entry: the stored
 * copy goes in the next session (at least once, as for every message; the receiver's duplicate filter sees one
 * sequence number).
 *
 * <p>Order: alarms reach the broker in sequence order, so an offer is published from here only while no older
 * alarm may still be on its way through the store ({@link #storePathUpTo} is not ahead of what a take has
 * returned, and the store holds none); otherwise it goes by the store too, behind them, as before. That is the
 * usual case on a quiet board, where the commit returns before the uplink's alarm thread wakes: the store's
 * copy is taken first, and the offer is skipped.
 *
 * <p>Thread-safe: offers come on the sealing thread, takes on the uplink's two threads, PUBACKs on Paho's.
 */
final class ExpressAlarms {
    /** Offers waiting for the alarm thread; beyond it an offer goes by the store (alarms are rare). */
    static final int MAX_OFFERS = 64;
    /**
     * Published alarms kept until their stored copy is taken: an alarm whose append the store refused for good is
     * never taken, and the oldest such entry is forgotten beyond this (its copy, if it ever comes, is sent again).
     */
    static final int MAX_TRACKED = 256;
    /** {@link #acknowledged} and {@link #taken}: nothing to delete (yet). */
    static final long NO_ID = Long.MIN_VALUE;

    /** What a take of the store found for an alarm it returned. */
    enum Link {
        /** Not published from here: publish it as usual. */
        NOT_EXPRESSED,
        /** Published from here, PUBACK pending: do not publish; the PUBACK deletes it. */
        IN_FLIGHT,
        /** Published from here and acknowledged already: do not publish; delete it now. */
        ACKNOWLEDGED
    }

    /** One alarm published from its offer: the user context of its Paho token. */
    static final class Entry {
        final SealedMessage message;
        private boolean acknowledged;
        private long storedId = NO_ID;

        Entry(SealedMessage message) {
            this.message = message;
        }
    }

    private final ArrayDeque<SealedMessage> offers = new ArrayDeque<>();
    private final LinkedHashMap<Long, Entry> published = new LinkedHashMap<>();
    /** The newest alarm that goes (or may go) through the store's takes. */
    private long storePathUpTo;
    /** The newest alarm a take of the store returned. */
    private long newestTaken;
    private long expressed;

    /** Alarms up to {@code sequence} may be in the store and not offered here (sealed before the hand-over began). */
    synchronized void storePathUpTo(long sequence) {
        storePathUpTo = Math.max(storePathUpTo, sequence);
    }

    /** On the sealing thread; never blocks. */
    synchronized void offer(SealedMessage m) {
        if (offers.size() >= MAX_OFFERS) {
            storePathUpTo = Math.max(storePathUpTo, m.sequence());
            return;
        }
        offers.add(m);
    }

    synchronized boolean hasOffers() {
        return !offers.isEmpty();
    }

    /**
     * The next offer to publish now, or null; call with a free alarm slot in hand.
     *
     * @param storeHasAlarms the store holds alarms not in flight (they are older, or this offer's own copy)
     */
    synchronized SealedMessage next(boolean storeHasAlarms) {
        SealedMessage m;
        while ((m = offers.poll()) != null) {
            if (m.sequence() <= newestTaken) {
                continue; // a take returned its stored copy first: published from there
            }
            if (storeHasAlarms || storePathUpTo > newestTaken) {
                storePathUpTo = Math.max(storePathUpTo, m.sequence()); // behind them, by the store
                continue;
            }
            return m;
        }
        return null;
    }

    /** No session, or no free alarm slot: every waiting offer goes by the store. */
    synchronized void noRoom() {
        SealedMessage m;
        while ((m = offers.poll()) != null) {
            storePathUpTo = Math.max(storePathUpTo, m.sequence());
        }
    }

    /** Records {@code m} as published from here; call before handing it to Paho (its PUBACK can come at once). */
    synchronized Entry publishing(SealedMessage m) {
        Entry e = new Entry(m);
        published.put(m.sequence(), e);
        expressed++;
        if (published.size() > MAX_TRACKED) {
            Iterator<Map.Entry<Long, Entry>> it = published.entrySet().iterator();
            while (it.hasNext() && published.size() > MAX_TRACKED) {
                if (it.next().getValue().acknowledged) {
                    it.remove();
                }
            }
        }
        return e;
    }

    /** Its publish failed or the broker refused it: the stored copy goes instead. */
    synchronized void failed(Entry e) {
        published.remove(e.message.sequence());
        storePathUpTo = Math.max(storePathUpTo, e.message.sequence());
    }

    /** Its PUBACK. @return the stored copy's id to delete now, or {@link #NO_ID} if no take has returned it yet */
    synchronized long acknowledged(Entry e) {
        e.acknowledged = true;
        if (e.storedId == NO_ID) {
            return NO_ID;
        }
        published.remove(e.message.sequence());
        return e.storedId;
    }

    /** For each alarm a take of the store returned, before it is published. */
    synchronized Link taken(StoredMessage m) {
        newestTaken = Math.max(newestTaken, m.sequence());
        Entry e = published.get(m.sequence());
        if (e == null) {
            return Link.NOT_EXPRESSED;
        }
        if (e.acknowledged) {
            published.remove(m.sequence());
            return Link.ACKNOWLEDGED;
        }
        e.storedId = m.id();
        return Link.IN_FLIGHT;
    }

    /**
     * The session ended: what it did not acknowledge goes by the store in the next one (a linked copy is returned
     * to the queue with everything else in flight), and so does every waiting offer. Acknowledged entries stay,
     * so that their copies are deleted when taken, not sent again.
     */
    synchronized void sessionEnded() {
        Iterator<Entry> it = published.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (!e.acknowledged) {
                storePathUpTo = Math.max(storePathUpTo, e.message.sequence());
                it.remove();
            }
        }
        noRoom();
    }

    /** Alarms published from here since start. */
    synchronized long expressed() {
        return expressed;
    }
}
