/**
 * Liveness: the gateway's long-running threads (each device's poll thread, the store writer, the uplink) say
 * that they still make progress, so that a service manager's watchdog is fed only while all of them do.
 *
 * <ul>
 *   <li>{@link Liveness}: the registry (a service, provided by this bundle); a thread's owner registers the thread
 *       with the longest silence its loop can legitimately have.</li>
 *   <li>{@link Heartbeat}: what that thread calls on every turn of its loop ({@link Heartbeat#NONE} outside a
 *       runtime).</li>
 * </ul>
 *
 * <p>The launcher reads the registry's verdict through a {@code java.util.function.Supplier<String>} service with
 * the property {@code tidegate.liveness=true} ({@link Liveness#VERDICT_PROPERTY}): an empty string while every
 * registered thread is on time, else which one is late. A JDK type, because the launcher lives outside the
 * framework and sees its own copy of this package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.health;
