package org.tidegate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration files of a home as one value: relative path ({@code gateway.json}, {@code profiles/NAME.json},
 * {@code devices/NAME.json}) to text, in path order. What a revision is made of, what a remote change replaces and
 * what {@link HomeSwitch} installs. Nothing else under the home (keys, data, logs) is a configuration file.
 */
public final class HomeFiles {
    public static final String GATEWAY = "gateway.json";
    /** Bound on one configuration file: a device or profile is a few kB; a larger file is a mistake or an attack. */
    public static final int MAX_FILE_BYTES = 256 * 1024;
    /** Bound on the number of profile and device files. */
    public static final int MAX_FILES = 1000;
    /** A name beginning with '.' is a hidden file: set aside by its owner, or an editor's, never configuration. */
    private static final Pattern NAME = Pattern.compile("(profiles|devices)/[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\\.json");

    private HomeFiles() {
    }

    /** Whether {@code path} names a configuration file (and nothing outside the three places, no {@code ..}). */
    public static boolean isConfigFile(String path) {
        return GATEWAY.equals(path) || (NAME.matcher(path).matches() && !path.contains(".."));
    }

    /** The home's configuration files as they are on disk now. */
    public static SortedMap<String, String> read(Path home) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        Path g = home.resolve(GATEWAY);
        if (Files.isRegularFile(g)) {
            out.put(GATEWAY, Files.readString(g, StandardCharsets.UTF_8));
        }
        for (String dir : new String[] {"profiles", "devices"}) {
            Path d = home.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.sorted().toList()) {
                    String rel = dir + "/" + p.getFileName();
                    if (isConfigFile(rel) && Files.isRegularFile(p)) {
                        try {
                            out.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                        } catch (NoSuchFileException gone) {
                            // removed while listing: not part of this reading
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Every path is a configuration file name and every file within {@link #MAX_FILE_BYTES}. */
    public static String problem(Map<String, String> files) {
        if (files.size() > MAX_FILES + 1) {
            return "too many files (" + files.size() + ", at most " + (MAX_FILES + 1) + ")";
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (!isConfigFile(e.getKey())) {
                return e.getKey() + ": not a configuration file name (gateway.json, profiles/NAME.json, devices/NAME.json)";
            }
            if (e.getValue().getBytes(StandardCharsets.UTF_8).length > MAX_FILE_BYTES) {
                return e.getKey() + ": larger than " + MAX_FILE_BYTES + " bytes";
            }
        }
        return null;
    }
}
