package org.tidegate.core.config;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a {@link SectionSchema} may know about the home it is part of.
 *
 * @param home      the home directory, absolute
 * @param gatewayId the gateway id from {@code gateway.json} ("" if missing)
 * @param sections  another section of {@code gateway.json} by name, for the rare key one component reads from a
 *                  section another owns (the sealer's deflate threshold lives in {@code telemetry}); never null
 */
public record HomeInfo(Path home, String gatewayId, Function<String, ConfigNode> sections) {

    /**
     * Free space a gateway needs under {@code HOME/data} to start: the OSGi framework cache (~30 MiB, Felix copies
     * every bundle jar into {@code data/osgi-cache}), the pipeline's 1 MiB pending file and the store's reserve,
     * database and WAL (6 MiB), with a margin. {@code tidegate run} refuses to start below it; {@code validate}
     * warns.
     */
    public static final long START_FREE_BYTES = 40L << 20;

    /**
     * The bytes free for a start under {@code dir} (in {@code home}'s data directory): the file store's usable space
     * plus what the framework cache from the last run takes, which every start deletes and rebuilds. -1 if unknown.
     */
    public static long freeForStart(Path home, Path dir) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return -1;
        }
        try {
            java.nio.file.FileStore store = java.nio.file.Files.getFileStore(existing);
            long usable = store.getUsableSpace();
            Path cache = home.toAbsolutePath().normalize().resolve("data").resolve("osgi-cache");
            if (java.nio.file.Files.isDirectory(cache) && java.nio.file.Files.getFileStore(cache).equals(store)) {
                try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(cache)) {
                    usable += files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> {
                        try {
                            return java.nio.file.Files.size(f);
                        } catch (java.io.IOException e) {
                            return 0;
                        }
                    }).sum();
                }
            }
            return usable;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** A configured path resolved against the home directory ("" stays ""). */
    public String resolve(String configured) {
        return configured == null || configured.isEmpty() ? "" : home.resolve(configured).normalize().toString();
    }

    /** The node of another section (an absent node if the section is not there). */
    public ConfigNode section(String name) {
        return sections.apply(name);
    }
}
