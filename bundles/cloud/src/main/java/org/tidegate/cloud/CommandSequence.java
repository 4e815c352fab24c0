package org.tidegate.cloud;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cloud's command sequence counter in a small text file (the last number used, in decimal). Each number is
 * written durably (temporary file, fsync, atomic rename) before it is used, so it is never reused. If the file is
 * lost the counter restarts at the current time in microseconds, which is above every number a sane counter has
 * handed out, so gateways (which refuse commands that are not strictly newer) keep accepting commands.
 *
 * <p>Safe across concurrent users of one file: read, increment and write happen under an exclusive lock on
 * {@code FILE.lock} (an OS file lock against other processes, e.g. two {@code tidegate command} runs, plus a lock per
 * file within this JVM, since the OS lock is per process), and the next number is {@code max(last + 1, now in µs)},
 * so two runs in the same millisecond get different, increasing numbers.
 */
public final class CommandSequence {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;

    public CommandSequence(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public long next() throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try (FileChannel lockChannel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            return allocate(parent);
        } finally {
            local.unlock();
        }
    }

    private long allocate(Path parent) throws IOException {
        long last = 0;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                last = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("sequence file " + file + " does not hold a number: \"" + text + "\"");
            }
        }
        long next = Math.max(last + 1, System.currentTimeMillis() * 1000L);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((next + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (parent != null) {
            try (FileChannel dir = FileChannel.open(parent, StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException ignored) {
                // some file systems cannot sync a directory
            }
        }
        return next;
    }

    public Path file() {
        return file;
    }

    /** The lock file beside the counter (kept; it holds nothing). */
    public Path lockFile() {
        return file.resolveSibling(file.getFileName() + ".lock");
    }
}
