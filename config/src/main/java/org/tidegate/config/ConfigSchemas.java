package org.tidegate.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.tidegate.core.config.DriverSchema;
import org.tidegate.core.config.HomeCheck;
import org.tidegate.core.config.SectionSchema;

/**
 * The schemas a home is checked with: every {@link DriverSchema}, {@link SectionSchema} and {@link HomeCheck}
 * the installed bundles provide. This bundle knows no protocol and no section: what is accepted is exactly
 * what the schemas found here accept.
 *
 * <p>Found from {@code META-INF/services} descriptors: {@link #fromClassPath} on a class path (the command
 * line, tests), the config bundle's bundle tracker inside the framework; both read the same descriptors of
 * the same jars.
 *
 * @param drivers  by protocol, in alphabetical order (so messages list them alike in validate and run)
 * @param sections in the order they were found
 * @param checks   whole-home checks
 */
public record ConfigSchemas(Map<String, DriverSchema> drivers, List<SectionSchema> sections, List<HomeCheck> checks) {

    public ConfigSchemas {
        drivers = Collections.unmodifiableSortedMap(new TreeMap<>(drivers));
        sections = List.copyOf(sections);
        checks = List.copyOf(checks);
    }

    /** Every schema listed in the {@code META-INF/services} descriptors visible to {@code loader}. */
    public static ConfigSchemas fromClassPath(ClassLoader loader) {
        List<Object> all = new ArrayList<>();
        ServiceLoader.load(DriverSchema.class, loader).forEach(all::add);
        ServiceLoader.load(SectionSchema.class, loader).forEach(all::add);
        ServiceLoader.load(HomeCheck.class, loader).forEach(all::add);
        return of(all);
    }

    /** The schemas of this class's own class path (the command line's). */
    public static ConfigSchemas fromClassPath() {
        return fromClassPath(ConfigSchemas.class.getClassLoader());
    }

    /**
     * Sorts schema instances by kind.
     *
     * @throws IllegalStateException if two schemas claim the same protocol or section
     */
    public static ConfigSchemas of(Collection<?> schemas) {
        Map<String, DriverSchema> drivers = new TreeMap<>();
        Map<String, SectionSchema> sections = new TreeMap<>();
        List<HomeCheck> checks = new ArrayList<>();
        for (Object o : schemas) {
            if (o instanceof DriverSchema d && drivers.put(d.protocol(), d) != null) {
                throw new IllegalStateException("two schemas for protocol " + d.protocol());
            }
            if (o instanceof SectionSchema s && sections.put(s.name(), s) != null) {
                throw new IllegalStateException("two schemas for section " + s.name());
            }
            if (o instanceof HomeCheck c) {
                checks.add(c);
            }
        }
        return new ConfigSchemas(drivers, List.copyOf(sections.values()), checks);
    }
}
