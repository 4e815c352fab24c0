package org.tidegate.store.internal;

import java.util.Collection;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.tidegate.core.health.Heartbeat;
import org.tidegate.core.health.Liveness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.store.QueueStats;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tinylog.Logger;

/**
 * Registers the queue and the sequence counter as OSGi services. A thin wrapper: all behaviour is in
 * {@link SqliteQueue} and {@link SequenceFile}, which tests and benchmarks use without OSGi. Its configuration
 * is decoded by the section's schema ({@link StoreSection#read}): the same checks and defaults as gateway.json.
 */
@Component(configurationPid = StoreComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {StoreAndForwardQueue.class, SequenceSource.class})
@Designate(ocd = StoreComponent.Metatype.class)
public class StoreComponent implements StoreAndForwardQueue, SequenceSource {
    public static final String PID = StoreSection.PID;

    /**
     * The gateway.json "store" section as ConfigAdmin holds it, for MetaType only: the component reads its
     * properties with {@link StoreSection#read}. Defaults and limits are the schema's constants.
     */
    @ObjectClassDefinition(name = "tidegate store-and-forward", description = "Durable SQLite queue of sealed messages")
    public @interface Metatype {
        @AttributeDefinition(description = "Queue database file; relative paths are relative to home")
        String path() default StoreSection.DEFAULT_PATH;

        @AttributeDefinition(description = "Bound on queued payload+topic bytes; lowest priority, oldest evicted first",
                min = "" + StoreSection.MIN_MAX_BYTES, max = "" + StoreSection.MAX_MAX_BYTES)
        long maxBytes() default StoreSection.DEFAULT_MAX_BYTES;

        @AttributeDefinition(description = "Bound on queued messages; lowest priority, oldest evicted first",
                min = "" + StoreSection.MIN_MAX_MESSAGES, max = "" + StoreSection.MAX_MAX_MESSAGES)
        long maxMessages() default StoreSection.DEFAULT_MAX_MESSAGES;

        @AttributeDefinition(description = "Messages older than this many days are purged",
                min = "" + StoreSection.MIN_MAX_AGE_DAYS, max = "" + StoreSection.MAX_MAX_AGE_DAYS)
        long maxAgeDays() default StoreSection.DEFAULT_MAX_AGE_DAYS;

        @AttributeDefinition(description = "SQLite synchronous level in WAL mode: full (default), extra or normal")
        String synchronous() default StoreSection.DEFAULT_SYNCHRONOUS;

        @AttributeDefinition(description = "The gateway id (added to every section by the config module)")
        String gatewayId() default "";

        @AttributeDefinition(description = "Absolute path of the gateway home directory")
        String home() default ".";
    }

    private final SqliteQueue queue;
    private final SequenceFile sequence;
    private Heartbeat heartbeat = Heartbeat.NONE;

    /**
     * Activation by Declarative Services.
     *
     * @throws IllegalArgumentException if the configuration breaks the schema (every problem listed)
     */
    @Activate
    public StoreComponent(Map<String, Object> properties,
                          @Reference(cardinality = ReferenceCardinality.OPTIONAL) Liveness liveness) throws StoreException {
        this(StoreSection.read(properties));
        if (liveness != null) {
            // A batch commit with fsync on a slow SD card takes seconds; a minute of silence is a wedge.
            heartbeat = liveness.register("store", Duration.ofSeconds(60));
            queue.heartbeat(heartbeat);
        }
    }

    StoreComponent(StoreConfig config) throws StoreException {
        QueueOptions options = options(config);
        this.queue = SqliteQueue.open(options);
        try {
            this.sequence = SequenceFile.forQueue(queue);
        } catch (StoreException e) {
            queue.close();
            throw e;
        }
        Logger.info("store: gateway={} queue={} maxBytes={} maxMessages={} maxAge={} synchronous={} sequence>{}",
                config.gatewayId(), options.path(), options.maxBytes(), options.maxMessages(), options.maxAge(),
                options.synchronous(), sequence.ceiling());
    }

    /** The queue's options: every configurable one from the section, the rest the queue's own. */
    static QueueOptions options(StoreConfig config) {
        return QueueOptions.defaults(config.path().toAbsolutePath().normalize())
                .withMaxBytes(config.maxBytes())
                .withMaxMessages(config.maxMessages())
                .withMaxAge(config.maxAge())
                .withSynchronous(config.synchronous());
    }

    @Deactivate
    void deactivate() {
        heartbeat.close();
        queue.close();
        sequence.close();
    }

    @Override
    public long next() throws StoreException {
        return sequence.next();
    }

    @Override
    public long append(String topic, int priority, long seq, long createdAt, byte[] payload) throws StoreException {
        return queue.append(topic, priority, seq, createdAt, payload);
    }

    @Override
    public List<StoredMessage> takeBatch(int max) {
        return queue.takeBatch(max);
    }

    @Override
    public List<StoredMessage> takeBatch(int max, int minPriority) {
        return queue.takeBatch(max, minPriority);
    }

    @Override
    public long alarmsPending() {
        return queue.alarmsPending();
    }

    @Override
    public void addPendingListener(Runnable listener) {
        queue.addPendingListener(listener);
    }

    @Override
    public void removePendingListener(Runnable listener) {
        queue.removePendingListener(listener);
    }

    @Override
    public void acknowledge(long id) {
        queue.acknowledge(id);
    }

    @Override
    public void acknowledge(Collection<Long> ids) {
        queue.acknowledge(ids);
    }

    @Override
    public int releaseInFlight() {
        return queue.releaseInFlight();
    }

    @Override
    public boolean awaitAvailable(long timeoutMillis) throws InterruptedException {
        return queue.awaitAvailable(timeoutMillis);
    }

    @Override
    public QueueStats stats() {
        return queue.stats();
    }

    /** Owned by the component: closed on deactivation, not by service consumers. */
    @Override
    public void close() {
        Logger.debug("store: close() by a service consumer ignored; the component closes the queue on deactivation");
    }
}
