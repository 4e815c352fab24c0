/**
 * What every protocol driver would otherwise write again: the bookkeeping of open sessions behind
 * {@link org.tidegate.core.driver.FieldDriver} ({@link org.tidegate.core.driver.support.SessionDriver}), transports shared
 * by key and counted by users ({@link org.tidegate.core.driver.support.SharedByKey}) and the OSGi
 * service that hands a driver out ({@link org.tidegate.core.driver.support.DriverService}). Each driver keeps its
 * own schema, settings and sessions.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.driver.support;
