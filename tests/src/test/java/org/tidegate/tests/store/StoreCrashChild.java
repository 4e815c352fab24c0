package org.tidegate.tests.store;

import static org.tidegate.tests.store.CrashChildRun.line;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * The writer that {@link StoreCrashTest} kills with SIGKILL: several appender threads and one drainer
 * work on the queue in DIR until the process dies. Every outcome is written to DIR/log-RUN.txt only AFTER
 * the call returned (and an acknowledgement's intent before the call), one line per event:
 * <pre>
 *   S seq        SequenceSource.next() returned seq
 *   A id seq     append(..., seq, ...) returned id (durable from here on)
 *   K id         about to acknowledge id (it may be deleted from here on)
 *   D id         acknowledge(id) returned
 * </pre>
 * The process set-up and the log are {@link CrashChildRun}'s.
 */
public final class StoreCrashChild {
    private static final int APPENDERS = 8;

    private StoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        CrashChildRun.main(args, APPENDERS, StoreCrashChild::append, StoreCrashChild::drain);
    }

    private static void append(SqliteQueue queue, SequenceFile sequence, Random random) {
        try {
            while (true) {
                long seq = sequence.next();
                line("S " + seq);
                int priority = random.nextInt(10);
                byte[] payload = new byte[64 + random.nextInt(448)];
                random.nextBytes(payload);
                long id = queue.append("crash/" + priority, priority, seq, System.currentTimeMillis(), payload);
                line("A " + id + " " + seq);
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }

    private static void drain(SqliteQueue queue, Random random) {
        try {
            while (true) {
                if (!queue.awaitAvailable(100)) {
                    continue;
                }
                List<StoredMessage> batch = queue.takeBatch(1 + random.nextInt(64));
                List<Long> ack = new ArrayList<>();
                for (StoredMessage m : batch) {
                    if (random.nextInt(10) < 8) {
                        ack.add(m.id());
                    }
                }
                for (long id : ack) {
                    line("K " + id);
                }
                queue.acknowledge(ack);
                for (long id : ack) {
                    line("D " + id);
                }
                if (random.nextInt(20) == 0) {
                    queue.releaseInFlight(); // as after a disconnect
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }
}
