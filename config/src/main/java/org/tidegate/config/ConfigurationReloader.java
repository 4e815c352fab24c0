package org.tidegate.config;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Service that re-reads the gateway home directory and applies it if, and only if, it is free of errors.
 * The file scanner calls it on changes; remote configuration calls it after writing files.
 */
@ProviderType
public interface ConfigurationReloader {

    /** Checks the home directory and applies it when valid; returns what was found either way. */
    LoadResult reload();

    /**
     * Checks the home directory as {@link #reload()} would, with the running framework's schemas, and applies
     * nothing: the local console shows the problems of the files on disk with it.
     */
    LoadResult check();

    /** The configuration currently in force, or null if none was ever valid. */
    GatewayConfig current();

    /**
     * Checks candidate configuration files (relative path → text, the complete set, see {@link HomeFiles}) for
     * this home with the schemas of the running bundles — the same check as {@link #reload} — writing nothing.
     */
    LoadResult check(java.util.Map<String, String> files);

    /**
     * Runs {@code change} (which rewrites configuration files, e.g. through {@link HomeSwitch}) while no reload
     * runs — the file scan cannot read half of it — then reloads.
     */
    LoadResult reloadAfter(FileChange change) throws java.io.IOException;

    /** A change of the home's files. */
    @FunctionalInterface
    interface FileChange {
        void run() throws java.io.IOException;
    }
}
