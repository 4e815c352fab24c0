package org.tidegate.uplink;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Contributes fields to the gateway's status message (whiteboard service). The uplink calls it at every
 * connect (the retained "online" message), so it must be quick and must not throw.
 */
@ConsumerType
public interface StatusProvider {

    /** The key under which {@link #status()} appears in the status body, e.g. {@code pipeline}. */
    String name();

    /** Values: strings, numbers, booleans, lists and maps of those. */
    Map<String, Object> status();
}
