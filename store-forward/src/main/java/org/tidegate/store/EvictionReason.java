package org.tidegate.store;

/** Why the store dropped a message that was never acknowledged; the keys appear in {@link QueueStats#evicted()}. */
public enum EvictionReason {
    /** The queue exceeded {@code maxBytes}: lowest priority, oldest first. */
    CAPACITY_BYTES("capacity-bytes"),
    /** The queue exceeded {@code maxMessages}: lowest priority, oldest first. */
    CAPACITY_COUNT("capacity-count"),
    /** Older than {@code maxAgeDays}. */
    MAX_AGE("max-age"),
    /** The disk was unavailable and the in-memory alarm buffer overflowed (oldest dropped). */
    MEMORY_FULL("memory-full"),
    /** The disk was unavailable and a routine (non-alarm) message could not be stored: append threw. */
    STORAGE_UNAVAILABLE("storage-unavailable"),
    /** Pending messages that were in a database file found corrupt at run time and moved aside. */
    CORRUPT_FILE("corrupt-file");

    private final String key;

    EvictionReason(String key) {
        this.key = key;
    }

    /** The stable name used in status messages and logs, e.g. {@code capacity-bytes}. */
    public String key() {
        return key;
    }
}
