package org.tidegate.outbox;

import org.tidegate.crypto.ContentType;

/**
 * The one table of message priorities (envelope field 5, and the order in which the store drains and evicts:
 * highest first out, lowest first evicted). Documented in docs/mqtt.md; every part of the gateway takes its
 * numbers from here.
 *
 * <ul>
 *   <li>{@link #ALARM} 9: alarms raised and cleared, and the outcomes of local actions. The highest, and equal to
 *       the store's {@code StoreAndForwardQueue.ALARM_PRIORITY}: the store never evicts one while routine data
 *       remains and holds them in memory when the disk is unavailable.</li>
 *   <li>{@link #REPLY} 8: replies to commands. Someone at the platform is waiting for them, so they overtake
 *       status and the telemetry backlog, but never an alarm.</li>
 *   <li>{@link #STATUS} 5: status messages (the pipeline's periodic status, and the uplink's birth, will and
 *       shutdown messages). Above telemetry, so that after an outage the platform learns the gateway's health and
 *       backlog before the backlog itself drains, and status survives eviction longer than telemetry; below
 *       replies and alarms, because a status message is superseded by the next one.</li>
 *   <li>{@link #TELEMETRY} 4: routine readings. Values 0–3 and 6–7 are free for future kinds.</li>
 * </ul>
 */
public enum Priority {
    REFUSAL(3),
    TELEMETRY(4),
    STATUS(5),
    REPLY(8),
    ALARM(9);

    private final int value;

    Priority(int value) {
        this.value = value;
    }

    /** The envelope's priority byte, 0 (lowest) … 9 (highest). */
    public int value() {
        return value;
    }

    /** The priority of a gateway message of this content type (a reply to an accepted command: {@link #REPLY}). */
    public static Priority of(ContentType type) {
        return switch (type) {
            case TELEMETRY -> TELEMETRY;
            case ALARM -> ALARM;
            case STATUS -> STATUS;
            case REPLY -> REPLY;
            case COMMAND -> throw new IllegalArgumentException("commands travel cloud to gateway, not through the outbox");
        };
    }
}
