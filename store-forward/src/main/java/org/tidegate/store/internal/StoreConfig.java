package org.tidegate.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The gateway.json "store" section, as ConfigAdmin delivers it under PID {@code org.tidegate.store}. */
@ObjectClassDefinition(name = "tidegate store-and-forward", description = "Durable SQLite queue of sealed messages")
public @interface StoreConfig {

    @AttributeDefinition(description = "Queue database file; relative paths are relative to home")
    String path() default "data/queue.db";

    @AttributeDefinition(description = "Bound on queued payload+topic bytes; lowest priority, oldest evicted first")
    long maxBytes() default 268435456L;

    @AttributeDefinition(description = "Bound on queued messages; lowest priority, oldest evicted first")
    long maxMessages() default 1000000L;

    @AttributeDefinition(description = "Messages older than this many days are purged (0 = never)")
    double maxAgeDays() default 30;

    @AttributeDefinition(description = "SQLite synchronous level in WAL mode: FULL (default), EXTRA or NORMAL")
    String synchronous() default "FULL";

    @AttributeDefinition(description = "The gateway id (added to every section by the config module)")
    String gatewayId() default "";

    @AttributeDefinition(description = "Absolute path of the gateway home directory")
    String home() default ".";
}
