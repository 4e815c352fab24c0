/**
 * The one way a gateway message goes out: the {@link org.tidegate.outbox.Outbox} numbers (the store's durable
 * sequence), seals (the crypto bundle's envelope) and appends every message to the store-and-forward queue, from
 * which an uplink delivers it. Beside it: the one table of message priorities ({@link org.tidegate.outbox.Priority}),
 * the topic scheme ({@link org.tidegate.outbox.Topics}), the one builder of status bodies
 * ({@link org.tidegate.outbox.StatusBody}) and the {@link org.tidegate.outbox.StatusProvider} whiteboard that adds
 * fields to them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.tidegate.outbox;
