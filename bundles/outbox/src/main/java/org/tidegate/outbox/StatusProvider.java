package org.tidegate.outbox;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Contributes fields to the gateway's status message (whiteboard service). The uplink adds every provider to the
 * retained {@code online} message at each connect ({@link StatusBody#providers}), so it must be quick and must not
 * throw.
 */
@ConsumerType
public interface StatusProvider {

    /** The key under which {@link #status()} appears in the status body, e.g. {@code pipeline}. */
    String name();

    /** Values: strings, numbers, booleans, lists and maps of those. */
    Map<String, Object> status();
}
