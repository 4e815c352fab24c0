package org.tidegate.uplink;

import org.osgi.annotation.versioning.ProviderType;
import org.tidegate.crypto.ContentType;
import org.tidegate.store.StoreException;

/**
 * The one place where the gateway turns a message body into a stored, sealed message: it takes the next
 * sequence number, seals the body (numbering and sealing under one lock, so sequence order is sealing order),
 * chooses the topic and appends the sealed bytes to the store-and-forward queue, from which the uplink
 * publishes them.
 */
@ProviderType
public interface Outbox {

    /**
     * @param type     telemetry, alarm, status or reply
     * @param device   the device id for telemetry and alarms; null for status and replies
     * @param priority 0 … 9 (alarms 9, telemetry 4 by default)
     * @param body     UTF-8 JSON (envelope.md)
     * @return the envelope's sequence number
     * @throws StoreException the message was not stored (the caller decides whether to retry or drop)
     */
    long submit(ContentType type, String device, int priority, byte[] body) throws StoreException;

    /** The gateway's topics. */
    Topics topics();
}
