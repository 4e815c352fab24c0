package org.tidegate.config;

import java.nio.file.Path;
import org.tidegate.config.internal.HomeReader;
import org.tidegate.core.config.HomeAccess;

/**
 * Reads and validates a gateway home directory: {@code gateway.json}, {@code profiles/*.json},
 * {@code devices/*.json}. Every error names the file, the JSON path and the reason, and all of them are
 * reported at once. Nothing is applied here: callers apply a configuration only when it has no errors,
 * so a bad file never replaces a good running configuration.
 */
public final class HomeLoader {
    private HomeLoader() {
    }

    /** Checks the home directory with the schemas of this class path; never throws for a configuration problem. */
    public static LoadResult check(Path home) {
        return check(home, ConfigSchemas.fromClassPath());
    }

    /** Checks the home directory with the given schemas. */
    public static LoadResult check(Path home, ConfigSchemas schemas) {
        return HomeReader.check(home, schemas);
    }

    /**
     * Checks the home directory with the schemas of this class path, and that {@code runAs} can read and write
     * its files as a running gateway must ({@link HomeAccess}): {@code tidegate validate} checks the service user,
     * {@code tidegate run} the user it runs as, so the two agree.
     */
    public static LoadResult check(Path home, HomeAccess.User runAs) {
        return HomeReader.checkAs(home, ConfigSchemas.fromClassPath(), runAs);
    }

    /**
     * Checks candidate configuration files (relative path → JSON text, the whole set) for {@code home} without
     * writing them: what a remote change is validated with, the same reader as {@link #check(Path)}.
     */
    public static LoadResult check(Path home, ConfigSchemas schemas, java.util.Map<String, String> files) {
        return HomeReader.check(home, schemas, files);
    }

    /** Loads the home directory, or throws with every error found. */
    public static GatewayConfig load(Path home) throws ConfigException {
        LoadResult r = check(home);
        if (!r.ok()) {
            throw new ConfigException(r.errors());
        }
        return r.config();
    }
}
