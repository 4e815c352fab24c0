package org.tidegate.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.tinylog.Logger;

/**
 * The gateway's OSGi runtime: an embedded Apache Felix framework with Declarative Services, ConfigAdmin
 * and MetaType, and the gateway bundles, all taken from the launcher's own class path (so the one
 * distribution directory is both the command line and the runtime).
 *
 * <p>The framework cache is rebuilt at every start: the bundles come from the class path and the
 * configuration from the home directory, so nothing in the cache is worth keeping, and a power cut
 * that corrupts it costs nothing.
 */
public final class GatewayRuntime implements AutoCloseable {
    /** Framework property naming the home directory; read by the config bundle. */
    public static final String HOME_PROPERTY = "tidegate.home";

    /**
     * Free space under {@code HOME/data} that a start needs, in MB: the framework cache ({@code data/osgi-cache},
     * a copy of every bundle, about 30 MB), the pipeline's pending file (1 MiB, reserved at start), the config cache
     * and the queue's first pages and WAL, with some margin. {@code tidegate run} refuses to start below it
     * (README, "Operate"); the store section's {@code validate} warning uses the same figure.
     */
    public static final long START_SPACE_MB = org.tidegate.core.config.HomeInfo.START_FREE_BYTES >> 20;

    private final Path home;
    private final Map<String, String> extraProperties;
    private final List<Path> extraBundles;
    private Framework framework;

    /**
     * @param home            gateway home directory
     * @param extraProperties more framework properties (tests use them to shorten intervals)
     * @param extraBundles    bundle files to install beside the runtime's own (tests add a probe bundle)
     */
    public GatewayRuntime(Path home, Map<String, String> extraProperties, List<Path> extraBundles) {
        this.home = home.toAbsolutePath().normalize();
        this.extraProperties = Map.copyOf(extraProperties);
        this.extraBundles = List.copyOf(extraBundles);
    }

    /** Boots the framework and starts every bundle; returns once they are all started. */
    public synchronized Framework start() throws BundleException, IOException {
        long t0 = System.nanoTime();
        RuntimeSettings settings = RuntimeSettings.load();
        Path cache = home.resolve("data").resolve("osgi-cache");
        Files.createDirectories(cache);
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, settings.systemPackagesExtra());
        config.put(HOME_PROPERTY, home.toString());
        config.put("felix.cm.dir", home.resolve("data").resolve("config-cache").toString());
        config.put("ds.loglevel", "warn");
        // Bundles see only what they import: the launcher's class path holds the same jars, and Felix's implicit
        // boot delegation would otherwise let a library loaded in a bundle pick classes from it.
        config.put("felix.bootdelegation.implicit", "false");
        config.putAll(extraProperties);
        framework = new FrameworkFactory().newFramework(config);
        framework.init();
        // The process's one ring of recent log lines (filled by tinylog's writer on this class path), for every bundle:
        // registered by the system bundle, whose class space exports org.tidegate.log (runtime.properties).
        framework.getBundleContext().registerService(org.tidegate.log.RecentLog.class,
                org.tidegate.log.internal.LineRing.process(), null);

        Map<String, Path> onClassPath = bundlesOnClassPath();
        List<Bundle> installed = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String bsn : settings.bundles()) {
            Path jar = onClassPath.get(bsn);
            if (jar == null) {
                missing.add(bsn);
                continue;
            }
            installed.add(framework.getBundleContext().installBundle(jar.toUri().toString()));
        }
        for (Path jar : extraBundles) {
            installed.add(framework.getBundleContext().installBundle(jar.toUri().toString()));
        }
        if (!missing.isEmpty()) {
            throw new BundleException("bundles missing from the class path: " + missing
                    + " (is the distribution complete? rebuild with ./tidegate or mvn install)");
        }
        framework.start();
        // Resolve everything before anything starts: the config bundle's first check then sees the
        // configuration schemas of every bundle, as `tidegate validate` does on the class path.
        framework.adapt(org.osgi.framework.wiring.FrameworkWiring.class).resolveBundles(null);
        List<String> failed = new ArrayList<>();
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException e) {
                failed.add(b.getSymbolicName() + ": " + e.getMessage());
                Logger.error(e, "bundle {} failed to start", b.getSymbolicName());
            }
        }
        if (!failed.isEmpty()) {
            throw new BundleException("bundles failed to start: " + failed);
        }
        Logger.info("OSGi runtime up: {} bundles active in {} ms (home {})", installed.size(),
                (System.nanoTime() - t0) / 1_000_000, home);
        return framework;
    }

    public synchronized Framework framework() {
        return framework;
    }

    /**
     * The liveness verdict of the gateway-core bundle ({@code org.tidegate.core.health}): "" while every watched
     * thread progresses, else which is late; null when the framework or the registry is not running.
     */
    public String livenessVerdict() {
        Framework f = framework();
        if (f == null || f.getState() != Bundle.ACTIVE) {
            return null;
        }
        try {
            org.osgi.framework.BundleContext c = f.getBundleContext();
            // getAllServiceReferences: the typed lookup would check that the system bundle sees the registering
            // bundle's class space for the interface, and Felix answers no for a java.* interface here.
            org.osgi.framework.ServiceReference<?>[] refs = c.getAllServiceReferences(
                    java.util.function.Supplier.class.getName(), "(tidegate.liveness=true)");
            for (org.osgi.framework.ServiceReference<?> ref : refs == null ? new org.osgi.framework.ServiceReference<?>[0] : refs) {
                Object s = c.getService(ref);
                if (s instanceof java.util.function.Supplier<?> supplier) {
                    try {
                        return String.valueOf(supplier.get());
                    } finally {
                        c.ungetService(ref);
                    }
                }
            }
            return null;
        } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * Stops the framework: every bundle stops, every component deactivates (pollers finish their
     * current poll, the store commits and closes), in reverse start order. Waits up to 30 s.
     */
    @Override
    public synchronized void close() {
        if (framework == null) {
            return;
        }
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(30_000);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                Logger.warn("OSGi runtime did not stop within 30 s");
            } else {
                Logger.info("OSGi runtime stopped");
            }
        } catch (BundleException e) {
            Logger.error(e, "stopping the OSGi runtime failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            framework = null;
        }
    }

    /**
     * Checks the free space under {@code HOME/data} (or, while it does not exist, under its nearest existing
     * parent) against {@link #START_SPACE_MB}.
     *
     * @return null when there is enough, else the line {@code tidegate run} prints
     */
    public static String notEnoughSpace(Path home) {
        Path data = home.toAbsolutePath().normalize().resolve("data");
        long usable = org.tidegate.core.config.HomeInfo.freeForStart(home, data);
        if (usable < 0) {
            return null; // cannot tell: let the start say what fails
        }
        return notEnoughSpace(data, usable, START_SPACE_MB);
    }

    static String notEnoughSpace(Path dir, long usableBytes, long neededMb) {
        long freeMb = usableBytes / (1024 * 1024);
        if (freeMb >= neededMb) {
            return null;
        }
        return "not enough free space under " + dir + ": " + freeMb + " MB free, about " + neededMb + " MB needed";
    }

    /** Maps Bundle-SymbolicName to jar for every OSGi bundle on the class path. */
    public static Map<String, Path> bundlesOnClassPath() throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
                continue;
            }
            try (JarFile jar = new JarFile(p.toFile())) {
                Manifest m = jar.getManifest();
                String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                if (bsn != null) {
                    out.putIfAbsent(bsn.split(";")[0].trim(), p);
                }
            }
        }
        return out;
    }
}
