/**
 * Store-and-forward: the durable queue of sealed messages between the pipeline (which appends) and the
 * uplink (which drains), and the durable per-sender sequence counter. Implementations live in private
 * packages; the OSGi component registers both services under configuration PID {@code org.tidegate.store}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.tidegate.store;
