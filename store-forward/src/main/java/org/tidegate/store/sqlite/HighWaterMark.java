package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.zip.CRC32;
import org.tidegate.store.QueueStats;
import org.tinylog.Logger;

/**
 * The durable high-water mark of the queue: the highest id and envelope sequence number ever committed, in a
 * small file {@code <path>.hwm} beside the database, compared at every open with what the database holds.
 *
 * <h2>Why</h2>
 * SQLite recovers a WAL by replaying frames up to the first one whose checksum fails and silently drops the
 * rest: committed transactions in a damaged WAL tail vanish, {@code quick_check} passes, nothing is logged. The
 * database cannot tell; a record kept outside it can. {@code sqlite_sequence} (the highest id ever given out,
 * which deletes do not lower) is committed with every insert, so after a lost tail it is lower than the mark.
 * {@link #check} then names the ids and sequence numbers that may be lost, and raises {@code sqlite_sequence}
 * to the mark so that those ids are never given out again (and the same loss is reported once).
 *
 * <h2>Cost and durability</h2>
 * Written after each commit that inserted rows (one 512-byte {@code pwrite} into the page cache, no fsync), and
 * fdatasync'd at most once a second and at close. A process kill therefore loses nothing of the mark; a power
 * cut can lose its last second, so a WAL tail lost in the same power cut is detected only for what was committed
 * more than a second before (never a false alarm: the mark is written only after COMMIT returned, and at
 * synchronous=FULL the WAL is on disk before that).
 *
 * <h2>Format</h2>
 * Two 512-byte slots, each {@code "TGHW", version, maxId, maxSequence, generation, CRC32}; a write goes into the
 * slot holding the older generation, so a torn write damages only that one and the reader takes the newest valid
 * slot (possibly one write older: it then under-reports, never over-reports). Owned by the writer thread.
 */
final class HighWaterMark implements AutoCloseable {
    private static final int SLOT_SIZE = 512;
    private static final int RECORD = 33;
    private static final int MAGIC = 0x54474857; // "TGHW"
    private static final byte VERSION = 1;
    private static final long SYNC_INTERVAL_NANOS = 1_000_000_000L;

    /** The highest id and sequence number committed. */
    record Mark(long maxId, long maxSequence) {
    }

    private final Path path;
    private FileChannel channel;
    private long generation;
    private long maxId;
    private long maxSequence;
    private boolean known;
    private boolean dirty;
    private long lastSync = System.nanoTime();
    private String lastError = "";

    private HighWaterMark(Path path) {
        this.path = path;
    }

    static Path pathFor(Path queueFile) {
        Path abs = queueFile.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + ".hwm");
    }

    /**
     * Opens (or creates) the mark of the queue database {@code queueFile}; never throws (the check is skipped).
     * If the file cannot be opened yet (its directory is created by the database's first open), every
     * {@link #check} tries again.
     */
    static HighWaterMark open(Path queueFile) {
        HighWaterMark m = new HighWaterMark(pathFor(queueFile));
        m.openChannel();
        return m;
    }

    private void openChannel() {
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (!known) {
                read();
            }
        } catch (IOException e) {
            channel = null;
            failed(e);
        }
    }

    /** The mark as read at open or last committed; null if there is none (new queue, unreadable file). */
    Mark current() {
        return known ? new Mark(maxId, maxSequence) : null;
    }

    /**
     * Compares the mark with the database just opened. If ids above the database's {@code sqlite_sequence} had
     * been committed, logs a warning naming the ids and sequence numbers that may be lost, raises the
     * database's id ceiling to the mark and returns the range; otherwise {@link QueueStats.Range#NONE}.
     */
    QueueStats.Range check(QueueDatabase db) {
        if (channel == null) {
            openChannel();
        }
        if (!known || maxId <= db.idCeilingAtOpen()) {
            return QueueStats.Range.NONE;
        }
        long fromId = db.idCeilingAtOpen() + 1;
        long fromSeq = db.maxSequenceAtOpen() + 1;
        boolean seqKnown = maxSequence >= fromSeq;
        QueueStats.Range r = new QueueStats.Range(fromId, maxId, seqKnown ? fromSeq : 0, seqKnown ? maxSequence : 0);
        Logger.warn("store: {} was committed up to id {} (sequence {}) but holds ids only up to {}: the end of its"
                        + " write-ahead log was unreadable and SQLite dropped it; up to {} message(s) may be lost:"
                        + " ids {}..{}, sequence numbers {}", db.file(), maxId, maxSequence, db.idCeilingAtOpen(),
                maxId - fromId + 1, fromId, maxId,
                seqKnown ? fromSeq + ".." + maxSequence : "unknown (none above " + db.maxSequenceAtOpen() + ")");
        try {
            db.raiseIdCeiling(maxId);
        } catch (SQLException e) {
            Logger.warn("store: cannot raise the id ceiling of {} to {}: {}", db.file(), maxId, e.getMessage());
        }
        return r;
    }

    /** A transaction that inserted rows committed; written at once, synced at most once a second. */
    void committed(long id, long sequence) {
        if (known && id <= maxId && sequence <= maxSequence) {
            return;
        }
        maxId = Math.max(known ? maxId : 0, id);
        maxSequence = Math.max(known ? maxSequence : 0, sequence);
        known = true;
        write();
        syncIfDue();
    }

    /** fdatasync if something was written and the last sync is a second old (called from the writer's tick). */
    void syncIfDue() {
        if (dirty && System.nanoTime() - lastSync >= SYNC_INTERVAL_NANOS) {
            sync();
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        if (dirty) {
            sync();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to write
        }
        channel = null;
    }

    private void read() throws IOException {
        long bestGen = -1;
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer b = ByteBuffer.allocate(RECORD);
            int n = channel.read(b, (long) slot * SLOT_SIZE);
            if (n < RECORD) {
                continue;
            }
            b.flip();
            int magic = b.getInt();
            byte version = b.get();
            long id = b.getLong();
            long seq = b.getLong();
            long gen = b.getLong();
            int crc = b.getInt();
            if (magic != MAGIC || version != VERSION || crc != crc(b.array()) || gen <= bestGen) {
                continue;
            }
            bestGen = gen;
            maxId = id;
            maxSequence = seq;
        }
        known = bestGen >= 0;
        generation = Math.max(0, bestGen + 1);
        if (!known && channel.size() > 0) {
            Logger.warn("store: the high-water mark {} is unreadable; a lost WAL tail cannot be detected at this open",
                    path);
        }
    }

    private void write() {
        if (channel == null) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(RECORD);
        b.putInt(MAGIC).put(VERSION).putLong(maxId).putLong(maxSequence).putLong(generation);
        b.putInt(crc(b.array()));
        b.flip();
        try {
            long at = (generation & 1) * SLOT_SIZE;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            generation++;
            dirty = true;
        } catch (IOException e) {
            failed(e);
        }
    }

    private void sync() {
        try {
            channel.force(false);
            dirty = false;
            lastSync = System.nanoTime();
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        String msg = QueueDatabase.describe(e);
        if (!msg.equals(lastError)) { // once per distinct error (a full disk would repeat it every commit)
            Logger.warn("store: high-water mark {}: {}; a lost WAL tail may go undetected", path, msg);
            lastError = msg;
        }
    }

    private static int crc(byte[] record) {
        CRC32 c = new CRC32();
        c.update(record, 0, RECORD - 4);
        return (int) c.getValue();
    }
}
