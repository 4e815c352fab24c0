package org.tidegate.store.sqlite;

import java.util.Locale;

/**
 * The SQLite {@code synchronous} levels the queue accepts, always in WAL mode. What a power cut can cost
 * (a process kill loses nothing committed at any level: the data is in the OS page cache):
 * <ul>
 * <li>{@link #FULL} (shipped default): the WAL is fsync'd at every commit, so every append that returned
 *     survives a power cut. Group commit shares one fsync among all appends queued at that moment.</li>
 * <li>{@link #EXTRA}: as FULL; in WAL mode SQLite adds nothing that matters for the queue. Accepted for
 *     operators who ask for it.</li>
 * <li>{@link #NORMAL}: the WAL is fsync'd only at checkpoints, so routine appends that returned in the last
 *     moments before a power cut can be lost (the database stays consistent). The queue still commits any
 *     transaction that contains an alarm (priority 9) at FULL, so alarms are never lost this way.</li>
 * </ul>
 * {@code OFF} is refused: it can corrupt the database on power loss.
 */
public enum Synchronous {
    NORMAL, FULL, EXTRA;

    public static Synchronous parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        if (t.isEmpty()) {
            return FULL;
        }
        if (t.equals("OFF") || t.equals("0")) {
            throw new IllegalArgumentException("store.synchronous=OFF is not supported: a power cut could corrupt the"
                    + " queue; use FULL (default), EXTRA or NORMAL");
        }
        try {
            return valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store.synchronous must be FULL, EXTRA or NORMAL, got \"" + text + "\"");
        }
    }

    /** True if appends are durable against power loss on return (not only alarms). */
    public boolean everyCommitSynced() {
        return this != NORMAL;
    }
}
