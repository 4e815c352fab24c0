package org.tidegate.tests.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;

/**
 * What the crash children ({@link StoreCrashChild}, {@link PipelinedAppendCrashChild}) share: the queue and
 * sequence in DIR, appender threads and one drainer seeded from the run number, {@code READY} on stdout once they
 * run, and the event log DIR/log-RUN.txt, whose every {@link #line} is one unbuffered write(2): once written it is
 * in the kernel and survives the process being killed (the tests kill processes; they do not cut power), so no
 * fsync is needed for the log.
 */
final class CrashChildRun {
    /** One appender thread's work until the process dies. */
    @FunctionalInterface
    interface Appender {
        void run(SqliteQueue queue, SequenceFile sequence, Random random);
    }

    /** The drainer's work until the process dies. */
    @FunctionalInterface
    interface Drainer {
        void run(SqliteQueue queue, Random random);
    }

    private static FileOutputStream log;

    private CrashChildRun() {
    }

    /** {@code args}: DIR RUN. Returns only if every thread ends (they do not: the test kills the process). */
    static void main(String[] args, int appenders, Appender appender, Drainer drainer) throws Exception {
        Path dir = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        log = new FileOutputStream(dir.resolve("log-" + run + ".txt").toFile(), true);
        SqliteQueue queue = SqliteQueue.open(QueueOptions.defaults(dir.resolve("queue.db")));
        SequenceFile sequence = SequenceFile.forQueue(queue);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < appenders; t++) {
            long seed = run * 1000L + t;
            threads.add(new Thread(() -> appender.run(queue, sequence, new Random(seed)), "appender-" + t));
        }
        threads.add(new Thread(() -> drainer.run(queue, new Random(run)), "drainer"));
        threads.forEach(Thread::start);
        System.out.println("READY");
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
    }

    static synchronized void line(String s) throws IOException {
        log.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
