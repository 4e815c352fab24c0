package org.tidegate.config.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;
import org.tidegate.config.ConfigSchemas;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.config.SectionSchema;
import org.tinylog.Logger;

/**
 * The configuration schemas of the bundles in the framework, read from the same
 * {@code META-INF/services} descriptors {@link java.util.ServiceLoader} reads on a class path (which does
 * not work across bundles), each class loaded through the bundle that lists it.
 */
final class BundleSchemas extends BundleTracker<List<Object>> {
    private static final List<Class<?>> KINDS = List.of(DriverSchema.class, SectionSchema.class, HomeCheck.class);

    private final Map<Long, List<Object>> byBundle = new ConcurrentHashMap<>();
    private final Runnable onChange;

    BundleSchemas(BundleContext context, Runnable onChange) {
        super(context, Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE, null);
        this.onChange = onChange;
    }

    ConfigSchemas current() {
        List<Object> all = new ArrayList<>();
        byBundle.values().forEach(all::addAll);
        return ConfigSchemas.of(all);
    }

    @Override
    public List<Object> addingBundle(Bundle bundle, BundleEvent event) {
        List<Object> found = new ArrayList<>();
        for (Class<?> kind : KINDS) {
            URL descriptor = bundle.getEntry("META-INF/services/" + kind.getName());
            if (descriptor == null) {
                continue;
            }
            for (String name : classNames(descriptor)) {
                try {
                    Object schema = bundle.loadClass(name).getConstructor().newInstance();
                    if (kind.isInstance(schema)) {
                        found.add(schema);
                    } else {
                        Logger.error("bundle {}: {} is not a {} (wired to another copy of the API?)",
                                bundle.getSymbolicName(), name, kind.getSimpleName());
                    }
                } catch (ReflectiveOperationException | LinkageError e) {
                    Logger.error(e, "bundle {}: cannot create configuration schema {}", bundle.getSymbolicName(), name);
                }
            }
        }
        if (found.isEmpty()) {
            return null; // not tracked
        }
        byBundle.put(bundle.getBundleId(), found);
        Logger.debug("bundle {} provides configuration schemas {}", bundle.getSymbolicName(), found);
        onChange.run();
        return found;
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, List<Object> schemas) {
        byBundle.remove(bundle.getBundleId());
        onChange.run();
    }

    private static List<String> classNames(URL descriptor) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(descriptor.openStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String name = line.replaceFirst("#.*", "").trim();
                if (!name.isEmpty()) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            Logger.error(e, "cannot read {}", descriptor);
        }
        return out;
    }
}
