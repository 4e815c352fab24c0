/**
 * The uplink's service API: the {@link org.tidegate.uplink.Outbox} through which every gateway message is
 * numbered, sealed and stored; the {@link org.tidegate.uplink.CommandHandler} and
 * {@link org.tidegate.uplink.StatusProvider} whiteboard seams; and the topic scheme.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.uplink;
