/**
 * How a bundle owns its configuration: a schema turns one JSON subtree of the home directory into a typed,
 * immutable record, or into problems {@code FILE: JSON-PATH: REASON}.
 *
 * <ul>
 *   <li>{@link ConfigNode}: a cursor over a JSON value that knows its file and path, records a problem instead
 *       of throwing, and remembers which keys a schema asked for, so that every key nobody asked for is
 *       reported as unknown (with "did you mean") at every depth, without each schema listing its keys.</li>
 *   <li>{@link BrokerUrl}: the broker URL rule provisioning, validate and run share.</li>
 *   <li>{@link DriverSchema}: a field driver's connection, options and channel keys ({@code tidegate.protocol}).</li>
 *   <li>{@link SectionSchema}: one section of {@code gateway.json}, owned by the bundle that uses it.</li>
 *   <li>{@link HomeCheck}: checks that need the whole home (e.g. edge-rule actions that target other devices).</li>
 *   <li>{@link DeviceSchema}: the generic part of a device (id, poll interval, timeouts, channels' scale and unit)
 *       around a driver's schema; the config bundle and the device component decode a device with it, so
 *       {@code tidegate validate} and the running gateway accept exactly the same files.</li>
 *   <li>{@link HomeAccess}: whether the user who runs the gateway can read and write the home's files; validate and
 *       run make the same check.</li>
 * </ul>
 *
 * <p>Schemas are found the same way everywhere: from {@code META-INF/services/<interface name>} descriptors,
 * by {@link java.util.ServiceLoader} on a class path and by the config bundle's bundle tracker in the
 * framework. An implementation has a public no-argument constructor and keeps no state.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.tidegate.core.config;
