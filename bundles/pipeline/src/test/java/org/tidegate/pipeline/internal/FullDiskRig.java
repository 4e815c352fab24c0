package org.tidegate.pipeline.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.SealedMessage;
import org.tidegate.outbox.Topics;
import org.tidegate.store.StoreException;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * The real outbox (SM2/SM4 sealing, sequence file) over a real SQLite store whose directory cannot be written
 * (a regular file stands where the directory should be): the store behaves as on a full disk — routine appends
 * throw {@link StoreException}, alarms are held in memory. {@link #refuseAll} makes the outbox refuse alarms too.
 * Records when each message the outbox accepted was accepted.
 */
final class FullDiskRig implements AutoCloseable {
    static final String GW = "gw-riverside-01";
    record Accepted(ContentType type, long atNanos, byte[] body) {
    }

    final SqliteQueue queue;
    final SequenceFile sequences;
    final Outbox outbox;
    final List<Accepted> accepted = new ArrayList<>();
    volatile boolean refuseAll;

    /** @param broken true: the store's directory is unusable (full disk); false: a working store */
    FullDiskRig(Path dir, boolean broken) throws Exception {
        Files.createDirectories(dir);
        Path data = dir.resolve("store");
        if (broken) {
            Files.writeString(data, "not a directory");
        } else {
            Files.createDirectories(data);
        }
        KeyPair gateway = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        EnvelopeSealer sealer = new EnvelopeSealer(GW, gateway.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
        queue = SqliteQueue.open(QueueOptions.defaults(data.resolve("queue.db")).withRetryInterval(Duration.ofMillis(200)));
        sequences = SequenceFile.open(dir.resolve("queue.seq"), SequenceFile.DEFAULT_BLOCK, false, 0);
        Outbox real = Outbox.create(new Topics("tidegate", GW), sequences, sealer, queue);
        outbox = new Outbox() {
            @Override
            public long submit(ContentType type, String device, int priority, byte[] body) throws StoreException {
                if (refuseAll) {
                    throw new StoreException("test: outbox refuses everything");
                }
                long seq = real.submit(type, device, priority, body);
                synchronized (accepted) {
                    accepted.add(new Accepted(type, System.nanoTime(), body));
                    accepted.notifyAll();
                }
                return seq;
            }

            @Override
            public SealedMessage seal(ContentType type, String device, int priority, byte[] body) throws StoreException {
                return real.seal(type, device, priority, body);
            }

            @Override
            public Topics topics() {
                return real.topics();
            }
        };
    }

    OutboxMessageSink sink() {
        return new OutboxMessageSink(outbox, queue);
    }

    List<Accepted> accepted(ContentType type) {
        synchronized (accepted) {
            return accepted.stream().filter(a -> a.type() == type).toList();
        }
    }

    /** Waits until the outbox accepted at least n messages of this type (up to timeoutMs); returns them. */
    List<Accepted> await(ContentType type, int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (accepted) {
            while (true) {
                List<Accepted> hits = accepted.stream().filter(a -> a.type() == type).toList();
                long left = deadline - System.currentTimeMillis();
                if (hits.size() >= n || left <= 0) {
                    return hits;
                }
                accepted.wait(left);
            }
        }
    }

    @Override
    public void close() throws Exception {
        queue.close();
        sequences.close();
    }
}
