package org.tidegate.crypto.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe file replacement: write a temporary file in the target's directory (created with its final
 * permissions, so it is never more readable than intended, not even for a moment), fsync it, move it into
 * place, fsync the directory. Readers see the old file or the new one, never a torn one.
 */
public final class AtomicFiles {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    /**
     * @param permissions the file's mode on POSIX systems; null means owner-only (0600)
     * @param replace     replace an existing file; if false and the target exists, throws
     *                    {@link FileAlreadyExistsException} and leaves it untouched (the check and the
     *                    creation are one atomic link(2), so two writers cannot both win)
     */
    public static void write(Path target, byte[] data, Set<PosixFilePermission> permissions, boolean replace)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Set<PosixFilePermission> perms = permissions == null ? OWNER_ONLY : permissions;
        // Ask the file system itself, not the mount table: in a chroot or container /proc/mounts may not list
        // the directory ("Mount point not found"), while its POSIX permissions work as usual.
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (posix && !perms.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(tmp, perms);
            }
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    Files.createLink(target, tmp);
                    Files.delete(tmp);
                } catch (FileAlreadyExistsException e) {
                    throw e;
                } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                    // no hard links here (e.g. FAT on an SD card): a plain move still refuses an existing target
                    Files.move(tmp, target);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Makes a rename or link in {@code dir} durable; a no-op where directories cannot be opened. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this platform/file system: the rename itself is still atomic
        }
    }
}
