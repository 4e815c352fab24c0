package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.tinylog.Logger;

/**
 * One JSON line per management command in {@code HOME/management/audit.log} (and a log line): when, the command's
 * sequence number, who sealed it (sender id and SM3 fingerprint of its key), the operation, the change id, the
 * outcome and the revisions before and after. Written and fsynced before the reply is submitted. Rotated once at
 * {@value #MAX_BYTES} bytes ({@code audit.log.1}).
 */
final class AuditLog {
    static final long MAX_BYTES = 4L * 1024 * 1024;
    private final Path file;

    AuditLog(Path dir) {
        this.file = dir.resolve("audit.log");
    }

    synchronized void record(ObjectNode entry) {
        Logger.info("management: audit {}", entry);
        try {
            if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
                Files.move(file, file.resolveSibling("audit.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap((entry + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(false);
            }
        } catch (IOException e) {
            Logger.error("management: audit log {} not written: {}", file, e.getMessage());
        }
    }

    Path file() {
        return file;
    }
}
