/**
 * The uplink's service API: the {@link org.tidegate.uplink.CommandHandler} whiteboard seam through which other
 * bundles answer commands. Numbering, sealing and storing messages, the topic scheme and the status body live in
 * the outbox bundle ({@code org.tidegate.outbox}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.tidegate.uplink;
