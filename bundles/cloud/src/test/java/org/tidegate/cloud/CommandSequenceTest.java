package org.tidegate.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two users of one sequence file at once (threads, processes) never get the same number. */
class CommandSequenceTest {
    @TempDir
    Path dir;

    @Test
    void twoThreadsWithTheirOwnCounterOnOneFileGetDistinctIncreasingNumbers() throws Exception {
        Path file = dir.resolve("cloud.seq");
        int each = 300;
        List<Long> all = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 2; t++) {
            CommandSequence seq = new CommandSequence(file); // one instance each, like two runs
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    long last = 0;
                    for (int i = 0; i < each; i++) {
                        long n = seq.next();
                        assertTrue(n > last, "increasing within one user");
                        last = n;
                        all.add(n);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            th.start();
            threads.add(th);
        }
        go.countDown();
        for (Thread th : threads) {
            th.join(60_000);
        }
        assertTrue(errors.isEmpty(), errors.toString());
        assertEquals(2 * each, new HashSet<>(all).size(), "no number handed out twice");
        assertEquals(Collections.max(all), Long.parseLong(Files.readString(file).trim()));
    }

    @Test
    void twoProcessesInTheSameMillisecondGetDistinctNumbers() throws Exception {
        Path file = dir.resolve("cloud.seq");
        int each = 200;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        long startAt = System.currentTimeMillis() + 3000; // both start allocating at the same instant
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(new ProcessBuilder(java, "-cp", cp, Allocator.class.getName(), file.toString(),
                    Integer.toString(each), Long.toString(startAt))
                    .redirectOutput(dir.resolve("out-" + i + ".txt").toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            assertTrue(ps.get(i).waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, ps.get(i).exitValue());
            List<String> lines = Files.readAllLines(dir.resolve("out-" + i + ".txt"));
            assertEquals(each, lines.size());
            for (String l : lines) {
                assertTrue(seen.add(Long.parseLong(l)), "handed out twice: " + l);
            }
        }
        assertEquals(2 * each, seen.size());
        assertEquals(Collections.max(seen), Long.parseLong(Files.readString(file).trim()));
    }

    /** {@code FILE COUNT START_AT_MILLIS}: waits until START_AT, then prints COUNT numbers. */
    public static final class Allocator {
        public static void main(String[] args) throws Exception {
            CommandSequence seq = new CommandSequence(Path.of(args[0]));
            int n = Integer.parseInt(args[1]);
            long at = Long.parseLong(args[2]);
            while (System.currentTimeMillis() < at) {
                Thread.sleep(1);
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                out.append(seq.next()).append('\n');
            }
            System.out.print(out);
            System.out.flush();
        }
    }
}
