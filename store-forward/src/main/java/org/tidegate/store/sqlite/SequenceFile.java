package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.zip.CRC32;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreException;
import org.tinylog.Logger;

/**
 * The durable per-sender sequence counter, in its own small file next to the queue database (kept apart so
 * that a corrupt queue file, which is moved aside, cannot take the counter with it).
 *
 * <h2>Why numbers never repeat</h2>
 * The file holds a <em>ceiling</em>: the highest number that may have been handed out. {@link #next()}
 * hands out numbers only up to the ceiling; when it runs out it first writes a ceiling one block higher
 * and fdatasyncs it, and only then hands out the next number. After a crash or power cut the counter
 * restarts above the stored ceiling, so numbers of a half-used block are skipped, never reused.
 *
 * <h2>What is atomic, and why</h2>
 * Like Tape's QueueFile header, the file has two 512-byte slots (separate sectors), each
 * {@code "TGSQ", version, ceiling, generation, CRC32}. A new ceiling is written into the slot holding the
 * older generation, so a torn write can damage only that slot; the reader takes the valid slot with the
 * highest generation. The file never changes size after creation, so fdatasync suffices. The file is
 * created by write-to-temporary, fsync, atomic rename and directory fsync.
 *
 * <h2>A fresh file starts above a time floor</h2>
 * A new file (first start, or {@code data/} lost while the gateway key was kept) never starts at 1: it
 * starts above {@link #timeFloor} = Unix time in ms × {@value #FLOOR_PER_MS}, logged at WARN (at ERROR when
 * the queue database exists, so the file was lost or destroyed). Any earlier counter of this sender started
 * at its own floor {@code t0 × 1000} (or at 1, before this rule) and handed out {@code n} numbers since,
 * so its highest number is {@code t0 × 1000 + n}; the new floor {@code t × 1000} is above it as long as
 * it handed out fewer than 1 000 numbers per millisecond (a million per second) on average since
 * {@code t0} — two to three orders of magnitude above what a gateway seals. Block reservation only skips
 * numbers, so it cannot break this. The floor fits the envelope's unsigned 64-bit field (2^63 at ms × 1000
 * is the year 292 000) and stays below 2^53 (exact in JSON doubles) until the year 2255. The one case it
 * cannot cover is a clock set far back when the file is lost (no RTC and no NTP yet); it is logged.
 * The floor also respects a hint (the highest sequence found in the queue).
 *
 * <h2>Every open starts above the floor</h2>
 * An existing file continues above {@code max(ceiling, time floor)}, by the same argument: so two counter files of
 * one sender (the store moved to another path and back) or a counter restored from a backup never go below a number
 * handed out since. A restart therefore skips ahead to the time floor; numbers need only increase.
 */
public final class SequenceFile implements SequenceSource, AutoCloseable {
    public static final int DEFAULT_BLOCK = 1000;
    /** Numbers per millisecond of the time floor: see the class comment. */
    public static final long FLOOR_PER_MS = 1000;
    private static final int SLOT_SIZE = 512;
    private static final int RECORD = 28;
    private static final int MAGIC = 0x54475351; // "TGSQ"
    private static final byte VERSION = 1;

    private final Path path;
    private final int blockSize;
    private final FileChannel channel;
    private long generation;
    private long ceiling;
    private long nextValue;

    private SequenceFile(Path path, int blockSize, FileChannel channel, long generation, long ceiling) {
        this.path = path;
        this.blockSize = blockSize;
        this.channel = channel;
        this.generation = generation;
        this.ceiling = ceiling;
        this.nextValue = ceiling + 1;
    }

    /**
     * Opens the counter file, creating it if missing.
     *
     * @param expectExisting true if the file should exist (the queue database exists): a missing file then
     *                       counts as lost (logged as an error, not a warning); the counter starts at {@link #timeFloor} either way
     * @param floorHint      a number known to have been used already (e.g. the highest sequence in the
     *                       queue), respected when the file is lost
     */
    public static SequenceFile open(Path path, int blockSize, boolean expectExisting, long floorHint)
            throws StoreException {
        if (blockSize < 1) {
            throw new IllegalArgumentException("sequence block size must be >= 1");
        }
        try {
            Path abs = path.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            if (!Files.exists(abs)) {
                long start = timeFloor(floorHint);
                if (expectExisting) {
                    Logger.error("store: sequence file {} is missing although the queue exists; counter restarts above {}"
                            + " (time floor: Unix ms x {}) so that no number is reused", abs, start, FLOOR_PER_MS);
                } else {
                    Logger.warn("store: new sequence file {}: numbers start above {} (time floor: Unix ms x {}), above"
                                    + " any number this gateway's key signed before, even if data/ was lost", abs, start,
                            FLOOR_PER_MS);
                }
                create(abs, start);
            }
            FileChannel ch = FileChannel.open(abs, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long[] best = readBest(ch);
            if (best == null) {
                ch.close();
                Path aside = moveAside(abs);
                long start = timeFloor(floorHint);
                Logger.error("store: sequence file {} is unreadable (no valid slot); moved aside to {}; counter restarts"
                        + " above {} so that no number is reused", abs, aside, start);
                create(abs, start);
                ch = FileChannel.open(abs, StandardOpenOption.READ, StandardOpenOption.WRITE);
                best = readBest(ch);
                if (best == null) {
                    ch.close();
                    throw new StoreException("sequence file " + abs + " cannot be read back after re-creating it");
                }
            }
            SequenceFile file = new SequenceFile(abs, blockSize, ch, best[0], best[1]);
            // Every open starts above the time floor too, not only a new file: a gateway whose store moved to
            // another path and back (two counter files for one sender), or whose data/ was restored from a backup,
            // would otherwise hand out numbers below ones it signed since (next() reserves up to it first).
            file.nextValue = Math.max(file.nextValue, timeFloor(floorHint));
            return file;
        } catch (IOException e) {
            throw new StoreException("cannot open the sequence file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the counter that belongs to a queue: {@code <database>.seq} beside it. If the queue database
     * existed but the counter file does not, the counter is treated as lost (see the class comment).
     */
    public static SequenceFile forQueue(SqliteQueue queue) throws StoreException {
        Path db = queue.options().path().toAbsolutePath();
        return open(db.resolveSibling(db.getFileName() + ".seq"), DEFAULT_BLOCK, queue.existedAtOpen(),
                queue.maxSequenceAtOpen());
    }

    /** The start of a new counter, {@code max(floorHint, Unix ms × 1000)}: see the class comment. */
    public static long timeFloor(long floorHint) {
        return Math.max(floorHint, System.currentTimeMillis() * FLOOR_PER_MS);
    }

    @Override
    public synchronized long next() throws StoreException {
        if (nextValue > ceiling) {
            reserve(nextValue - 1 + blockSize);
        }
        return nextValue++;
    }

    /** The highest number that may have been handed out (for tests and logs). */
    public synchronized long ceiling() {
        return ceiling;
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            Logger.warn("store: closing {}: {}", path, e.getMessage());
        }
    }

    private void reserve(long newCeiling) throws StoreException {
        long gen = generation + 1;
        try {
            channel.write(ByteBuffer.wrap(record(newCeiling, gen)), slotOffset(gen));
            channel.force(false);
        } catch (IOException e) {
            throw new StoreException("cannot reserve sequence numbers in " + path + " (" + e.getMessage()
                    + "): no number handed out, to make sure none is ever reused", e);
        }
        generation = gen;
        ceiling = newCeiling;
    }

    private static long slotOffset(long generation) {
        return (generation & 1) * SLOT_SIZE;
    }

    private static void create(Path abs, long ceiling) throws IOException {
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        ByteBuffer buf = ByteBuffer.allocate(2 * SLOT_SIZE);
        buf.put(record(ceiling, 0));
        buf.position(SLOT_SIZE);
        buf.put(record(ceiling, 1));
        buf.rewind();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(abs.getParent());
    }

    static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms cannot fsync a directory; the rename is still atomic there.
            Logger.debug("store: directory fsync of {} not supported: {}", dir, e.getMessage());
        }
    }

    private static byte[] record(long ceiling, long generation) {
        ByteBuffer b = ByteBuffer.allocate(RECORD);
        b.putInt(MAGIC).put(VERSION).put((byte) 0).put((byte) 0).put((byte) 0).putLong(ceiling).putLong(generation);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, RECORD - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** @return {generation, ceiling} of the newest valid slot, or null if none is valid */
    private static long[] readBest(FileChannel ch) throws IOException {
        long[] best = null;
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer b = ByteBuffer.allocate(RECORD);
            int at = slot * SLOT_SIZE;
            while (b.hasRemaining()) {
                int n = ch.read(b, at + b.position());
                if (n < 0) {
                    break;
                }
            }
            if (b.hasRemaining()) {
                continue;
            }
            b.flip();
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, RECORD - 4);
            if (b.getInt(0) != MAGIC || b.get(4) != VERSION || b.getInt(RECORD - 4) != (int) crc.getValue()) {
                continue;
            }
            long ceiling = b.getLong(8);
            long generation = b.getLong(16);
            if (best == null || generation > best[0]) {
                best = new long[] {generation, ceiling};
            }
        }
        return best;
    }

    private static Path moveAside(Path abs) throws IOException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path target = abs.resolveSibling(abs.getFileName() + ".corrupt-" + stamp);
        for (int n = 1; Files.exists(target); n++) {
            target = abs.resolveSibling(abs.getFileName() + ".corrupt-" + stamp + "-" + n);
        }
        Files.move(abs, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
