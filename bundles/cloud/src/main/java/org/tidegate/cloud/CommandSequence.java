package org.tidegate.cloud;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The cloud's command sequence counter in a small text file (the last number used, in decimal). Each number is
 * written durably (temporary file, fsync, atomic rename) before it is used, so it is never reused. If the file is
 * lost the counter restarts at the current time in microseconds, which is above every number a sane counter has
 * handed out, so gateways (which refuse commands that are not strictly newer) keep accepting commands.
 */
public final class CommandSequence {
    private final Path file;

    public CommandSequence(Path file) {
        this.file = file.toAbsolutePath();
    }

    public synchronized long next() throws IOException {
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
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
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
}
