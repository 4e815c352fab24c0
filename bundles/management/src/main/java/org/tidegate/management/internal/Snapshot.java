package org.tidegate.management.internal;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One revision of the configuration files, kept under {@code HOME/management/snapshots/}.
 *
 * @param revision  the revision number (only grows; numbers of failed attempts are never reused)
 * @param digest    SM3 of the files ({@link FileSetDigest})
 * @param createdAt Unix ms
 * @param source    {@code initial} (first start with remote management), {@code local} (files edited on the
 *                  gateway), {@code remote} (a command), {@code rollback} (a command restoring an older revision)
 * @param state     {@code trial} (being tried), {@code committed} (in force, or was), {@code failed} (rolled back)
 * @param command   the sequence number of the command that made it, 0 if none
 * @param signer    SM3 fingerprint of the key that sealed that command, empty if none
 * @param note      why it failed, or what it restored; empty otherwise
 * @param files     relative path to text
 */
record Snapshot(long revision, String digest, long createdAt, String source, String state, long command,
                String signer, String note, SortedMap<String, String> files) {

    Snapshot {
        files = new TreeMap<>(files);
    }

    static Snapshot of(long revision, String source, long command, String signer, Map<String, String> files) {
        return new Snapshot(revision, FileSetDigest.of(files), System.currentTimeMillis(), source, "trial", command,
                signer, "", new TreeMap<>(files));
    }

    Snapshot withState(String newState, String why) {
        return new Snapshot(revision, digest, createdAt, source, newState, command, signer, why, files);
    }
}
