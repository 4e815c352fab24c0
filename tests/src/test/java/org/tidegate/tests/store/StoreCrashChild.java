package org.tidegate.tests.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tidegate.store.StoredMessage;
import org.tidegate.store.sqlite.QueueOptions;
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
 * Each line is one unbuffered write(2): once written it is in the kernel and survives the process being
 * killed (this test kills processes; it does not cut power), so no fsync is needed for the log.
 */
public final class StoreCrashChild {
    private static final int APPENDERS = 8;
    private static FileOutputStream log;

    private StoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        log = new FileOutputStream(dir.resolve("log-" + run + ".txt").toFile(), true);
        SqliteQueue queue = SqliteQueue.open(QueueOptions.defaults(dir.resolve("queue.db")));
        SequenceFile sequence = SequenceFile.forQueue(queue);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < APPENDERS; t++) {
            long seed = run * 1000L + t;
            threads.add(new Thread(() -> append(queue, sequence, new Random(seed)), "appender-" + t));
        }
        threads.add(new Thread(() -> drain(queue, new Random(run)), "drainer"));
        threads.forEach(Thread::start);
        System.out.println("READY");
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
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

    private static synchronized void line(String s) throws IOException {
        log.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
