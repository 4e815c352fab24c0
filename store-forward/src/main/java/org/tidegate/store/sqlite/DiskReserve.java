package org.tidegate.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A preallocated file beside the queue database ({@code <path>.reserve}, {@link QueueOptions#reserveBytes()}
 * of zeros, written and fsync'd so the blocks are really allocated, not sparse) that the store deletes the
 * moment the disk is full, so that a checkpoint and the deletes of delivered messages always find the space
 * they need, and re-creates once the file system has room for it again.
 *
 * <p>Why a file and not only SQLite measures: every SQLite write, even a DELETE, first appends frames to the
 * WAL, and a checkpoint may grow the database file; on a disk with zero bytes free both fail, and nothing
 * inside SQLite can free space without writing. Deleting a file needs no free space. The WAL bound
 * ({@link QueueDatabase#WAL_LIMIT_BYTES}) keeps what a checkpoint needs smaller than the reserve.
 * Owned by the writer thread.
 */
final class DiskReserve {
    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private final long size;

    DiskReserve(Path database, long size) {
        Path abs = database.toAbsolutePath();
        this.file = abs.resolveSibling(abs.getFileName() + ".reserve");
        this.size = size;
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    /** True if the reserve file is there at its full size. */
    boolean present() {
        try {
            return size == 0 || (Files.isRegularFile(file) && Files.size(file) >= size);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes the reserve if it is missing or short. A partial file (the disk filled while writing it) is
     * deleted again: a reserve that is not complete does not count.
     *
     * @return true if the reserve is present afterwards
     */
    boolean make() {
        if (present()) {
            return true;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
            for (long written = 0; written < size; ) {
                zeros.clear();
                zeros.limit((int) Math.min(CHUNK, size - written));
                written += ch.write(zeros, written);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            return false;
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            SequenceFile.syncDirectory(file.getParent());
            return true;
        } catch (IOException e) {
            deleteQuietly(tmp);
            return false;
        }
    }

    /** Deletes the reserve. @return the bytes given back to the file system */
    long release() {
        long had = 0;
        try {
            had = Files.exists(file) ? Files.size(file) : 0;
            Files.deleteIfExists(file);
        } catch (IOException e) {
            return 0;
        }
        deleteQuietly(file.resolveSibling(file.getFileName() + ".tmp"));
        return had;
    }

    /** Bytes an unprivileged process can still write in the reserve's directory (-1 if unknown). */
    long usableBytes() {
        return usableBytes(file.getParent());
    }

    static long usableBytes(Path dir) {
        try {
            Path d = dir;
            while (d != null && !Files.exists(d)) {
                d = d.getParent(); // the directory may not exist yet: ask about the file system it will be on
            }
            return d == null ? -1 : Files.getFileStore(d).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
