package org.tidegate.core.health;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/** The registry of watched threads (see the package documentation). */
@ProviderType
public interface Liveness {
    /** Service property of the {@code Supplier<String>} verdict the launcher reads. */
    String VERDICT_PROPERTY = "tidegate.liveness";

    /**
     * Watches a thread from now on: it is late when {@code maxSilence} passes without a {@link Heartbeat#beat()}.
     *
     * @param name       what the thread is, for the log and the service manager's status line: {@code uplink},
     *                   {@code store}, {@code poll device=ID}
     * @param maxSilence the longest a healthy turn of its loop takes (waits with timeouts included)
     */
    Heartbeat register(String name, Duration maxSilence);
}
