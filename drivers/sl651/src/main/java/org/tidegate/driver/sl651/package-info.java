/**
 * The SL 651-2014 centre-station receiver: {@link org.tidegate.driver.sl651.Sl651Driver}, the {@code FieldDriver}
 * usable without OSGi, and {@link org.tidegate.driver.sl651.Sl651Schema}, its configuration (listed in
 * {@code META-INF/services/org.tidegate.core.config.DriverSchema}), with the typed records it makes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.driver.sl651;
