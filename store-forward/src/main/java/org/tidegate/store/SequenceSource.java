package org.tidegate.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The per-sender envelope sequence counter: strictly increasing across restarts and power loss, never
 * reused. Numbers may be skipped (a crash forfeits the rest of a reserved block); they never repeat.
 */
@ProviderType
public interface SequenceSource {

    /**
     * @return the next sequence number, greater than every number this counter has ever returned
     * @throws StoreException if the reservation cannot be made durable; no number is returned then
     */
    long next() throws StoreException;
}
