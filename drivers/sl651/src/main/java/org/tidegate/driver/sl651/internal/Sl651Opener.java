package org.tidegate.driver.sl651.internal;

import org.tidegate.driver.sl651.Sl651Settings;

/** Opens sessions on the shared receivers (the driver's one entry into this package). */
public final class Sl651Opener {
    private final Receivers receivers;

    public Sl651Opener(Receivers receivers) {
        this.receivers = receivers;
    }

    /** @throws IllegalArgumentException if the station cannot be received there (see {@link Receivers#acquire}) */
    public Sl651Session open(String deviceId, Sl651Settings settings) {
        StationInbox inbox = new StationInbox(deviceId, settings);
        Receiver r = receivers.acquire(inbox);
        return new Sl651Session(deviceId, settings, inbox, r, () -> receivers.release(r, inbox));
    }
}
