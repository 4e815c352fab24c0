/**
 * The DL/T 645-2007 meter driver: {@link org.tidegate.driver.dlt645.Dlt645Driver}, the {@code FieldDriver} usable
 * without OSGi, and {@link org.tidegate.driver.dlt645.Dlt645Schema}, its configuration (listed in
 * {@code META-INF/services/org.tidegate.core.config.DriverSchema}), with the typed records it makes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.driver.dlt645;
