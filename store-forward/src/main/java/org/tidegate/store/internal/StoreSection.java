package org.tidegate.store.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.core.config.SectionProperties;
import org.tidegate.core.config.SectionSchema;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tidegate.store.sqlite.Synchronous;

/**
 * The {@code store} section of gateway.json: where and how much the store-and-forward queue keeps.
 *
 * <p>The one place that knows the section's keys, limits and defaults: the component's MetaType annotation,
 * {@link StoreConfig} and docs/configuration.md refer to the constants here (a test in {@code config} compares
 * the documented defaults with {@link #properties}). The component decodes its ConfigAdmin properties with
 * {@link #read}, so a configuration put straight into ConfigAdmin gets the same checks as gateway.json.
 */
public final class StoreSection implements SectionSchema {
    public static final String NAME = "store";
    public static final String PID = "org.tidegate.store";

    /** {@code path}, relative to the home. */
    public static final String DEFAULT_PATH = "data/queue.db";
    /** {@code maxBytes}: queued payload + topic bytes. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    public static final long MIN_MAX_BYTES = 1L << 20;
    public static final long MAX_MAX_BYTES = 1L << 40;
    /** {@code maxMessages}. */
    public static final long DEFAULT_MAX_MESSAGES = 1_000_000;
    public static final long MIN_MAX_MESSAGES = 100;
    public static final long MAX_MAX_MESSAGES = 1_000_000_000;
    /** {@code maxAgeDays}: older messages are purged. */
    public static final long DEFAULT_MAX_AGE_DAYS = 30;
    public static final long MIN_MAX_AGE_DAYS = 1;
    public static final long MAX_MAX_AGE_DAYS = 3650;
    /** {@code synchronous}: the SQLite level ({@link Synchronous}; OFF is refused). */
    public static final String DEFAULT_SYNCHRONOUS = "full";
    public static final List<String> SYNCHRONOUS_LEVELS = List.of("full", "normal", "extra");

    /**
     * Space the OSGi framework cache takes under {@code HOME/data/osgi-cache}: Felix copies every installed bundle
     * jar into it (29 MB for the jars of runtime.properties, sqlite-jdbc 14.3 MB and bcprov 8.5 MB of it).
     */
    public static final long OSGI_CACHE_BYTES = 30L << 20;
    /**
     * Free space under the store's directory below which {@code validate} warns: the figure below which
     * {@code tidegate run} refuses to start ({@link HomeInfo#START_FREE_BYTES}), which covers the cache, the
     * pipeline's pending file and the store's {@link QueueOptions#startupBytes()} (6 MiB).
     */
    public static final long STARTUP_FREE_BYTES = HomeInfo.START_FREE_BYTES;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String pid() {
        return PID;
    }

    @Override
    public Map<String, Object> properties(ConfigNode s, HomeInfo home) {
        StoreConfig c = config(s, home);
        warnIfLowOnSpace(s, home.home(), c.path());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", c.path().toString());
        out.put("maxBytes", c.maxBytes());
        out.put("maxMessages", c.maxMessages());
        out.put("maxAgeDays", c.maxAge().toDays());
        out.put("synchronous", c.synchronous().name().toLowerCase(Locale.ROOT));
        return out;
    }

    /**
     * Warns (not an error: space may be freed before start) when the directory of {@code path} has less free
     * space than start-up needs ({@link #STARTUP_FREE_BYTES}), the figure below which {@code tidegate run}
     * refuses to start. The OSGi cache is under {@code HOME/data}, the store's directory by default.
     */
    static void warnIfLowOnSpace(ConfigNode s, Path home, Path path) {
        Path dir = path.toAbsolutePath().getParent();
        // As `tidegate run` counts it: the last run's framework cache is rebuilt at every start.
        long usable = dir == null ? -1 : HomeInfo.freeForStart(home, dir);
        if (usable < 0) {
            return; // unknown: nothing to say
        }
        if (usable < STARTUP_FREE_BYTES) {
            s.child("path").warn("only " + usable + " bytes free under " + dir + ": start-up needs about "
                    + STARTUP_FREE_BYTES + " (about " + OSGI_CACHE_BYTES + " for the OSGi framework cache in"
                    + " data/osgi-cache, the rest for the pipeline's pending file and the store's reserve, database and"
                    + " WAL); tidegate run refuses to start below it");
        }
    }

    /**
     * The component's ConfigAdmin properties (as {@link #properties} made them, or as anyone put them into
     * ConfigAdmin) as the typed configuration; defaults for absent keys, relative paths against {@code home}.
     *
     * @throws IllegalArgumentException listing every problem (out of range, wrong kind, unknown key)
     */
    public static StoreConfig read(Map<String, ?> properties) {
        return SectionProperties.read(PID, properties, false, StoreSection::config);
    }

    /** Reads and checks the section; problems are recorded on {@code s} (the result is then a placeholder). */
    static StoreConfig config(ConfigNode s, HomeInfo home) {
        String configured = s.string("path", false, DEFAULT_PATH);
        if (configured.isBlank()) {
            s.child("path").error("must name a file");
            configured = DEFAULT_PATH;
        }
        Path path = Path.of(home.resolve(configured));
        long maxBytes = s.integer("maxBytes", MIN_MAX_BYTES, MAX_MAX_BYTES, DEFAULT_MAX_BYTES, false);
        long maxMessages = s.integer("maxMessages", MIN_MAX_MESSAGES, MAX_MAX_MESSAGES, DEFAULT_MAX_MESSAGES, false);
        long maxAgeDays = s.integer("maxAgeDays", MIN_MAX_AGE_DAYS, MAX_MAX_AGE_DAYS, DEFAULT_MAX_AGE_DAYS, false);
        String sync = s.choice("synchronous", SYNCHRONOUS_LEVELS, DEFAULT_SYNCHRONOUS);
        return new StoreConfig(home.gatewayId(), path, maxBytes, maxMessages, Duration.ofDays(maxAgeDays),
                Synchronous.parse(sync));
    }
}
