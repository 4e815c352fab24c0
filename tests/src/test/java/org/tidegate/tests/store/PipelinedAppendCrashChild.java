package org.tidegate.tests.store;

import static org.tidegate.tests.store.CrashChildRun.line;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * The writer that {@link PipelinedAppendCrashTest} kills: like {@link StoreCrashChild}, but each appender keeps up
 * to {@value #DEPTH} {@code appendAsync} calls outstanding and the drainer acknowledges with {@code acknowledgeAsync}.
 * Log lines (each one unbuffered write(2)):
 * <pre>
 *   S seq        SequenceSource.next() returned seq
 *   A id seq     the appendAsync future for seq completed with id (durable from here on)
 *   K id         about to acknowledge id (it may be deleted from here on)
 *   D id         the acknowledgeAsync future for id completed
 * </pre>
 */
public final class PipelinedAppendCrashChild {
    private static final int APPENDERS = 2;
    private static final int DEPTH = 128;

    private PipelinedAppendCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        CrashChildRun.main(args, APPENDERS, PipelinedAppendCrashChild::append, PipelinedAppendCrashChild::drain);
    }

    private static void append(SqliteQueue queue, SequenceFile sequence, Random random) {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(DEPTH);
        try {
            while (true) {
                window.acquire();
                long seq = sequence.next();
                line("S " + seq);
                int priority = random.nextInt(10);
                byte[] payload = new byte[64 + random.nextInt(448)];
                random.nextBytes(payload);
                queue.appendAsync("crash/" + priority, priority, seq, System.currentTimeMillis(), payload)
                        .whenComplete((id, e) -> {
                            window.release();
                            if (e != null) {
                                e.printStackTrace();
                                System.exit(3);
                            }
                            try {
                                line("A " + id + " " + seq);
                            } catch (IOException io) {
                                System.exit(4);
                            }
                        });
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
                queue.acknowledgeAsync(ack).whenComplete((v, e) -> {
                    try {
                        for (long id : ack) {
                            line("D " + id);
                        }
                    } catch (IOException io) {
                        System.exit(4);
                    }
                });
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
