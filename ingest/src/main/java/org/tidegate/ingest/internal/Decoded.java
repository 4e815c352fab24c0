package org.tidegate.ingest.internal;

import java.util.List;

/** What an accepted envelope stores, by content type (the body turned into typed rows). */
sealed interface Decoded {
    /** Telemetry: its samples. */
    record Telemetry(String device, List<Reading> readings) implements Decoded {
    }

    /**
     * An alarm-kind envelope: an alarm raised or cleared, or a local action and its outcome.
     *
     * @param valueJson the body's {@code v} as JSON text, or null
     * @param bodyJson  the whole body as JSON text
     */
    record Event(String device, String kind, String event, String channel, String state, String severity,
                 long timeMillis, String valueJson, String bodyJson) implements Decoded {
        boolean raised() {
            return "alarm".equals(kind) && "raised".equals(state);
        }

        boolean cleared() {
            return "alarm".equals(kind) && "cleared".equals(state);
        }
    }

    /** A status message (birth, periodic, or the offline will). */
    record Status(String bodyJson) implements Decoded {
    }

    /** A reply to a command; {@code commandSeq} null if the body does not name one. */
    record Reply(Long commandSeq, String bodyJson) implements Decoded {
    }
}
