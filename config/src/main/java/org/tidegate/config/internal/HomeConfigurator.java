package org.tidegate.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.tidegate.core.config.ConfigProblem;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.config.GatewayConfig;
import org.tidegate.config.HomeLoader;
import org.tidegate.config.LoadResult;
import org.tidegate.core.model.Device;
import org.tinylog.Logger;

/**
 * Bridges the home directory to ConfigAdmin: each {@code gateway.json} section becomes a configuration
 * ({@code org.tidegate.<section>}), each device a factory configuration of {@code org.tidegate.device}
 * named by its id. A home with errors is reported and not applied: the running configuration stays.
 * Only what changed is updated, so one edited device file restarts one device component.
 *
 * <p>The home comes from the framework property {@value #HOME_PROPERTY}; the directory is re-checked
 * every {@value #SCAN_PROPERTY} seconds (default 5) for changed files.
 */
@Component(immediate = true, service = ConfigurationReloader.class)
public class HomeConfigurator implements ConfigurationReloader {
    public static final String HOME_PROPERTY = "tidegate.home";
    public static final String SCAN_PROPERTY = "tidegate.config.scanSeconds";
    public static final String DEVICE_FACTORY_PID = "org.tidegate.device";
    static final String SOURCE = "tidegate.source";

    private final ConfigurationAdmin cm;
    private final Path home;
    private final Thread scanner;
    private volatile GatewayConfig current;
    private volatile String lastFingerprint = "";
    private volatile String lastRefusedFingerprint = "";
    private final BundleSchemas schemas;
    /** Bumped when a bundle with configuration schemas comes or goes: the home is checked again. */
    private final java.util.concurrent.atomic.AtomicLong schemaChanges = new java.util.concurrent.atomic.AtomicLong();
    private long checkedSchemaChanges = -1;

    @Activate
    public HomeConfigurator(@Reference ConfigurationAdmin cm, BundleContext context) {
        this.cm = cm;
        String h = context.getProperty(HOME_PROPERTY);
        this.home = h == null ? null : Path.of(h).toAbsolutePath().normalize();
        this.schemas = new BundleSchemas(context, schemaChanges::incrementAndGet);
        schemas.open();
        if (home == null) {
            Logger.warn("no {} framework property: configuration comes from ConfigAdmin only", HOME_PROPERTY);
            scanner = null;
            return;
        }
        try {
            // `tidegate run` recovered already; a framework started otherwise (tests, embedding) must too.
            if (org.tidegate.config.HomeSwitch.recover(home) == org.tidegate.config.HomeSwitch.Recovery.RESTORED_OLD) {
                Logger.warn("config: an interrupted remote configuration change was rolled back to the previous files");
            }
        } catch (IOException e) {
            Logger.error("config: could not recover an interrupted configuration switch in {}: {}", home, e.getMessage());
        }
        reload();
        long scanSeconds = parseLong(context.getProperty(SCAN_PROPERTY), 5);
        scanner = new Thread(() -> scan(scanSeconds), "config-scan");
        scanner.setDaemon(true);
        if (scanSeconds > 0) {
            scanner.start();
        }
    }

    @Deactivate
    void deactivate() {
        schemas.close();
        if (scanner != null) {
            scanner.interrupt();
        }
    }

    @Override
    public GatewayConfig current() {
        return current;
    }

    @Override
    public LoadResult check() {
        if (home == null) {
            throw new IllegalStateException("no home directory configured (" + HOME_PROPERTY + ")");
        }
        return HomeLoader.check(home, schemas.current());
    }

    @Override
    public synchronized LoadResult reload() {
        if (home == null) {
            throw new IllegalStateException("no home directory configured (" + HOME_PROPERTY + ")");
        }
        String fingerprint = fingerprint();
        checkedSchemaChanges = schemaChanges.get();
        LoadResult r = HomeLoader.check(home, schemas.current());
        if (!r.ok()) {
            Logger.error("configuration in {} has {} error(s); keeping the running configuration:", home, r.errors().size());
            for (ConfigProblem p : r.errors()) {
                Logger.error("  {}", p);
            }
            lastRefusedFingerprint = fingerprint;
            return r;
        }
        for (ConfigProblem p : r.warnings()) {
            Logger.warn("config: {}", p);
        }
        try {
            apply(r.config());
            current = r.config();
            lastFingerprint = fingerprint;
            lastRefusedFingerprint = "";
        } catch (IOException | InvalidSyntaxException e) {
            Logger.error(e, "could not apply configuration from {}", home);
        }
        return r;
    }

    @Override
    public LoadResult check(Map<String, String> files) {
        if (home == null) {
            throw new IllegalStateException("no home directory configured (" + HOME_PROPERTY + ")");
        }
        return HomeLoader.check(home, schemas.current(), files);
    }

    @Override
    public synchronized LoadResult reloadAfter(FileChange change) throws IOException {
        change.run();
        return reload();
    }

    private void apply(GatewayConfig c) throws IOException, InvalidSyntaxException {
        int changed = 0;
        for (Map.Entry<String, Map<String, Object>> s : c.sections().entrySet()) {
            Configuration conf = cm.getConfiguration(c.pids().get(s.getKey()), "?");
            Dictionary<String, Object> props = new Hashtable<>(s.getValue());
            props.put(SOURCE, "home");
            if (conf.updateIfDifferent(props)) {
                changed++;
            }
        }
        Set<String> keep = new HashSet<>();
        for (Device d : c.devices()) {
            Configuration conf = cm.getFactoryConfiguration(DEVICE_FACTORY_PID, d.id(), "?");
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("device.id", d.id());
            props.put("device.json", c.documents().get(d.id()));
            props.put("driver.target", "(tidegate.protocol=" + d.protocol() + ")");
            props.put("gatewayId", c.id());
            props.put(SOURCE, "home");
            if (conf.updateIfDifferent(props)) {
                changed++;
                Logger.info("device={} configuration applied ({} channels, {})", d.id(), d.channels().size(), d.protocol());
            }
            keep.add(conf.getPid());
        }
        Configuration[] existing = cm.listConfigurations(
                "(&(service.factoryPid=" + DEVICE_FACTORY_PID + ")(" + SOURCE + "=home))");
        if (existing != null) {
            for (Configuration conf : existing) {
                if (!keep.contains(conf.getPid())) {
                    Logger.info("device={} removed from configuration", conf.getProperties().get("device.id"));
                    conf.delete();
                    changed++;
                }
            }
        }
        Logger.info("configuration from {}: gateway {}, {} device(s), {} change(s) applied", home, c.id(),
                c.devices().size(), changed);
    }

    private void scan(long seconds) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            String f = fingerprint();
            // Re-check on any change; a refused version is not re-reported until it changes again.
            if (org.tidegate.config.HomeSwitch.armed(home)) {
                continue; // a remote change is being applied or on trial: it reloads itself; look again later
            }
            if (!f.equals(lastFingerprint) && !f.equals(lastRefusedFingerprint)) {
                Logger.info("configuration files in {} changed; checking", home);
                reload();
            } else if (schemaChanges.get() != checkedSchemaChanges) {
                Logger.info("configuration schemas changed (a bundle came or went); checking {} again", home);
                reload();
            }
        }
    }

    /** Names, sizes and modification times of every configuration file: cheap change detection. */
    private String fingerprint() {
        StringBuilder sb = new StringBuilder();
        for (String dir : new String[] {".", "profiles", "devices"}) {
            Path d = home.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> {
                    try {
                        sb.append(p).append(':').append(Files.size(p)).append(':')
                                .append(Files.getLastModifiedTime(p).toMillis()).append(';');
                    } catch (IOException ignored) {
                        sb.append(p).append(":gone;");
                    }
                });
            } catch (IOException e) {
                sb.append(dir).append(":unreadable;");
            }
        }
        return sb.toString();
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
