/**
 * The DL/T 645-2007 meter driver's configuration: {@link org.tidegate.driver.dlt645.Dlt645Schema} and the typed
 * records it makes. (The {@code FieldDriver} is not written yet, so the schema is not listed in
 * {@code META-INF/services}: a home naming protocol {@code dlt645} is still refused.)
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.dlt645;
