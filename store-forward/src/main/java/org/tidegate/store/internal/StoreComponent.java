package org.tidegate.store.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.tidegate.store.QueueStats;
import org.tidegate.store.SequenceSource;
import org.tidegate.store.StoreAndForwardQueue;
import org.tidegate.store.StoreException;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tidegate.store.sqlite.Synchronous;
import org.tinylog.Logger;

/**
 * Registers the queue and the sequence counter as OSGi services. A thin wrapper: all behaviour is in
 * {@link SqliteQueue} and {@link SequenceFile}, which tests and benchmarks use without OSGi.
 */
@Component(configurationPid = StoreComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {StoreAndForwardQueue.class, SequenceSource.class})
@Designate(ocd = StoreConfig.class)
public class StoreComponent implements StoreAndForwardQueue, SequenceSource {
    public static final String PID = "org.tidegate.store";

    private final SqliteQueue queue;
    private final SequenceFile sequence;

    @Activate
    public StoreComponent(StoreConfig config) throws StoreException {
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

    static QueueOptions options(StoreConfig config) {
        Path home = Path.of(config.home().isBlank() ? "." : config.home());
        Path path = home.resolve(config.path().isBlank() ? "data/queue.db" : config.path()).toAbsolutePath().normalize();
        Duration maxAge = Duration.ofMillis(Math.round(config.maxAgeDays() * 86_400_000d));
        return QueueOptions.defaults(path)
                .withMaxBytes(config.maxBytes())
                .withMaxMessages(config.maxMessages())
                .withMaxAge(maxAge)
                .withSynchronous(Synchronous.parse(config.synchronous()));
    }

    @Deactivate
    void deactivate() {
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
