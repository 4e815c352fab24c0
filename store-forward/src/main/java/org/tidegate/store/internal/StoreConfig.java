package org.tidegate.store.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.tidegate.store.sqlite.Synchronous;

/**
 * The gateway.json {@code store} section, typed: what {@link StoreSection} makes of it (limits and defaults
 * are the section's; this record does not check them again).
 *
 * @param gatewayId   the gateway id ("" when not configured; only logged)
 * @param path        the queue database file (absolute when read by {@link StoreSection})
 * @param maxBytes    bound on queued payload + topic bytes; lowest priority, oldest evicted first
 * @param maxMessages bound on queued messages, same eviction order
 * @param maxAge      messages older than this are purged
 * @param synchronous the SQLite synchronous level in WAL mode
 */
public record StoreConfig(String gatewayId, Path path, long maxBytes, long maxMessages, Duration maxAge,
                          Synchronous synchronous) {
    public StoreConfig {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(synchronous, "synchronous");
    }
}
