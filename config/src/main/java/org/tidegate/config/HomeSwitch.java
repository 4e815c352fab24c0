package org.tidegate.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Replaces the configuration files of a home as one step that a crash cannot split (docs/remote-management.md,
 * "Atomic apply"). Several files cannot be renamed at once, so the switch is made durable first and undone on
 * recovery unless it was committed:
 * <ol>
 *   <li>{@link #arm}: both the old and the new file sets are written under {@code HOME/}{@value #DIR}
 *       ({@code old/}, {@code new/}, every file and directory fsynced), then the marker {@value #MARKER} is written
 *       atomically (temporary file, fsync, rename, fsync of the directory). The marker is the commit point of the
 *       <em>attempt</em>: before it, the home is untouched; after it, the old set can always be put back.</li>
 *   <li>{@link #install}: each new file is written beside its target and renamed over it, removed files are deleted,
 *       directories fsynced. A crash in the middle leaves a mix on disk, but the marker is still there.</li>
 *   <li>{@link #commit} (the trial passed): the marker is deleted and fsynced; from now on the new set stands.
 *       {@link #rollback} installs the old set and then deletes the marker.</li>
 *   <li>{@link #recover}, called before anything reads the home ({@code tidegate run} and the config bundle at
 *       start): if the marker is there, the old set is installed again. So a power cut during the apply or during
 *       the trial ends in the old configuration, and only a committed trial leaves the new one.</li>
 * </ol>
 * Temporary names never end in {@code .json}, so no reader ever takes one for a configuration file.
 */
public final class HomeSwitch {
    public static final String DIR = "config-switch";
    public static final String MARKER = "ARMED";
    private static final String TMP_SUFFIX = ".switch-tmp";

    /** What {@link #recover} found. */
    public enum Recovery {
        /** Nothing was in progress. */
        NONE,
        /** A switch was prepared but never armed: its staging files were removed; the home was untouched. */
        DISCARDED_STAGE,
        /** A switch was armed and not committed (crash during apply or trial): the old files were put back. */
        RESTORED_OLD
    }

    private HomeSwitch() {
    }

    public static boolean armed(Path home) {
        return Files.exists(home.resolve(DIR).resolve(MARKER));
    }

    /**
     * Stages both sets and writes the marker. Call {@link #recover} first if a previous switch may be pending
     * (this refuses to arm over a marker).
     *
     * @param note a line of text kept in the marker (which revisions), for a human looking at the directory
     */
    public static void arm(Path home, Map<String, String> oldFiles, Map<String, String> newFiles, String note)
            throws IOException {
        Path dir = home.resolve(DIR);
        if (armed(home)) {
            throw new IOException("a configuration switch is already armed in " + dir);
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        writeSet(dir.resolve("old"), oldFiles);
        writeSet(dir.resolve("new"), newFiles);
        fsyncDir(dir);
        writeAtomically(dir.resolve(MARKER), note + "\n");
    }

    /** Installs the armed switch's new set in the home. */
    public static void installNew(Path home) throws IOException {
        install(home, readSet(home.resolve(DIR).resolve("new")));
    }

    /** The trial passed: the new set stands. */
    public static void commit(Path home) throws IOException {
        Path dir = home.resolve(DIR);
        Files.deleteIfExists(dir.resolve(MARKER));
        fsyncDir(dir);
        deleteTree(dir);
    }

    /** The trial failed: the old set is put back, then the marker goes. */
    public static void rollback(Path home) throws IOException {
        Path dir = home.resolve(DIR);
        install(home, readSet(dir.resolve("old")));
        commit(home);
    }

    /** Finishes whatever a crash interrupted; see the class comment. Idempotent. */
    public static Recovery recover(Path home) throws IOException {
        Path dir = home.resolve(DIR);
        if (!Files.exists(dir)) {
            return Recovery.NONE;
        }
        if (!armed(home)) {
            deleteTree(dir);
            return Recovery.DISCARDED_STAGE;
        }
        // no log line here: `tidegate run` calls this before logging is configured (tinylog freezes at its first line)
        rollback(home);
        return Recovery.RESTORED_OLD;
    }

    /**
     * Makes the home's configuration files exactly {@code files}: each written beside its target and renamed over
     * it (never half a file), configuration files not in the set deleted, directories fsynced.
     */
    public static void install(Path home, Map<String, String> files) throws IOException {
        String problem = HomeFiles.problem(files);
        if (problem != null) {
            throw new IOException(problem);
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path target = home.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            Path current = Files.isRegularFile(target) ? target : null;
            if (current != null && Files.readString(current, StandardCharsets.UTF_8).equals(e.getValue())) {
                continue; // unchanged: leave its modification time alone (the file scan compares it)
            }
            writeAtomically(target, e.getValue());
        }
        for (String existing : HomeFiles.read(home).keySet()) {
            if (!files.containsKey(existing)) {
                Files.deleteIfExists(home.resolve(existing));
            }
        }
        for (String d : new String[] {"profiles", "devices"}) {
            if (Files.isDirectory(home.resolve(d))) {
                fsyncDir(home.resolve(d));
            }
        }
        fsyncDir(home);
    }

    private static void writeSet(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir.resolve("profiles"));
        Files.createDirectories(dir.resolve("devices"));
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (!HomeFiles.isConfigFile(e.getKey())) {
                throw new IOException(e.getKey() + ": not a configuration file name");
            }
            writeDurably(dir.resolve(e.getKey()), e.getValue());
        }
        fsyncDir(dir.resolve("profiles"));
        fsyncDir(dir.resolve("devices"));
        fsyncDir(dir);
    }

    private static SortedMap<String, String> readSet(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("staged configuration " + dir + " is missing");
        }
        return new TreeMap<>(HomeFiles.read(dir));
    }

    /** Temporary file beside the target, fsync, rename over the target, fsync the directory. */
    public static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP_SUFFIX);
        writeDurably(tmp, text);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDir(target.getParent());
    }

    private static void writeDurably(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the rename is still atomic there
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
